from django.db import models


class Quote(models.Model):
    text = models.TextField()
    author = models.CharField(max_length=200)
    provider = models.CharField(max_length=40, db_index=True)
    fetched_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["text", "author"], name="unique_quote_text_author")
        ]
        ordering = ["-fetched_at"]

    def __str__(self):
        return f"{self.text[:60]} ({self.author})"

    @property
    def from_zenquotes(self):
        return self.provider == "zenquotes"
