"""Surveys: questionnaire instruments (defined as data files) and, later, measurement rounds."""
