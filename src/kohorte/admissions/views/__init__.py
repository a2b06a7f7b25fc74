"""Admissions pages by audience: applicant (the portal: applicant.py, applicant_documents.py,
applicant_review.py), referee (the token page, no account) and staff (the program team). Every
user-visible object is loaded through access.py."""
