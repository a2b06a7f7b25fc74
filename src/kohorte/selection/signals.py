from django.dispatch import Signal

# Sent inside the transaction that records an accepted offer. Arguments: application, offer.
offer_accepted = Signal()
