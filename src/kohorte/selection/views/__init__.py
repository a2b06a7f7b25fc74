"""Selection pages by audience: public (the offer link), reviewer (committee members), staff
(the chair and the program team; staff_proposal and staff_decisions hold the proposal and the
decision pages)."""
