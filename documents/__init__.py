"""Official documents (DOCX and PDF) rendered from records: a lower layer that record apps call.

Record apps build a ``documents.content.Document`` (what the paper says) from their records;
``documents.render.render_document`` turns it into a file. Neither knows about the other's models.
"""
