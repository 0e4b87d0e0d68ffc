"""The studio's pages, staff only: `datasets` (classifiers, classes, images) and `training`
(jobs, their progress, comparing and activating versions)."""
