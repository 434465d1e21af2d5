"""PDF reports: an enterprise profile for a bank's credit file, and the city dashboard (targets by district).

Built with reportlab (platypus for the layout, ``reportlab.graphics`` for the charts); Chinese text uses the
built-in CID font STSong-Light, so no font file is shipped. Pure functions from plain data to PDF bytes: the
web layer gathers the data (with its access checks) and calls ``profile_pdf.render`` / ``dashboard_pdf.render``.
"""
