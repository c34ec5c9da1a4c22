"""Reports for the office: generated German texts (:mod:`atlas.report.describe`) and the Word and
PowerPoint documents built from them (:mod:`atlas.report.office`)."""
