"""Quiz banks in other tools' formats: Moodle GIFT, jupyterquiz JSON, a Markdown worksheet."""
