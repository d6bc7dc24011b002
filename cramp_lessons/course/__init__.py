"""The course's content: the typed model of ``content/`` and its checks (the lowest layer but two).

``model`` reads and validates every content file; ``variants`` fills a question template with
numbers drawn from the physiology models; ``rendered``, ``terms`` and ``readability`` read the
lessons as a learner does (text in order, glossary terms, reading grade).
"""
