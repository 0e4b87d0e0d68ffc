"""A stored comparison (mlcore.training.comparison, via studio.jobs) laid out as the job page
shows it."""


def comparison_tables(comparison):
    """Per split: recall rows, the two confusion matrices with their row labels, and the
    changed images with the class folder and file name their thumbnails are served under."""
    if not comparison:
        return []
    labels = comparison["labels"]
    names = {"new": f"v{comparison['new_number']}", "old": f"v{comparison['old_number']}"}
    tables = []
    for split in comparison["splits"]:
        tables.append(
            {
                "split": split["split"],
                "count": split["count"],
                "accuracy": {side: split[side]["accuracy"] for side in names},
                "fixed": split["fixed"],
                "broken": split["broken"],
                "recall": [
                    (label, split["new"]["recall"][label], split["old"]["recall"].get(label))
                    for label in labels
                    if label in split["new"]["recall"]
                ],
                "verdict": verdict(split, names),
                "confusions": [(names[side], split[side]["confusion"]) for side in ("new", "old")],
                "changed": [
                    {
                        **image,
                        "folder": image["path"].partition("/")[0],
                        "file": image["path"].partition("/")[2],
                    }
                    for image in split["changed"]
                ],
                "changed_count": split["changed_count"],
            }
        )
    return tables


def verdict(split, names):
    """One line: how many more (or fewer) of the images the new version gets right."""
    gained, count = split["fixed"] - split["broken"], split["count"]
    if gained == 0:
        return f"{names['new']} and {names['old']} are right on as many of the {count} test images"
    more = "more" if gained > 0 else "fewer"
    new, old = names["new"], names["old"]
    return f"{new} is right on {abs(gained)} {more} of {count} test images than {old}"
