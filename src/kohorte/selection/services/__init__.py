"""Selection: the only place that changes the selection's data. Views call these.

One module per sub-capability; the public names are re-exported here, so that callers write
``from kohorte.selection import services; services.record_decision(...)``."""

from kohorte.selection.services.assignment import (
    assign_reviewers,
    declare_authorities,
    declare_conflict,
    move_assignment,
    precheck,
    reviewer_leaves,
)
from kohorte.selection.services.committee import (
    active_reviewers,
    add_committee_member,
    remove_committee_member,
    reviewable,
    save_committee_member,
    save_settings,
    set_constraints,
    settings_to_change,
)
from kohorte.selection.services.conflicts import conflict_pairs, detect_conflicts
from kohorte.selection.services.decisions import (
    decision_send_time,
    follow_proposal,
    offer_replacement,
    prepare_decision_mails,
    proposed_outcomes,
    record_decision,
    set_lock,
)
from kohorte.selection.services.offers import (
    UNSENT_MAIL,
    cancel_mail,
    create_offer,
    expire_offers,
    find_offer,
    mail_about,
    offer_links,
    offer_mail,
    offer_problem,
    respond_to_offer,
    set_offer_status,
    withdraw_offer,
)
from kohorte.selection.services.proposals import explain, propose, set_proposal_state
from kohorte.selection.services.reviews import (
    check_review_transition,
    others_visible,
    review_frozen,
    save_review,
    set_review_state,
    weighted_total,
)

__all__ = [
    "UNSENT_MAIL",
    "active_reviewers",
    "add_committee_member",
    "assign_reviewers",
    "cancel_mail",
    "check_review_transition",
    "conflict_pairs",
    "create_offer",
    "decision_send_time",
    "declare_authorities",
    "declare_conflict",
    "detect_conflicts",
    "expire_offers",
    "explain",
    "find_offer",
    "follow_proposal",
    "mail_about",
    "move_assignment",
    "offer_links",
    "offer_mail",
    "offer_problem",
    "offer_replacement",
    "others_visible",
    "precheck",
    "prepare_decision_mails",
    "propose",
    "proposed_outcomes",
    "record_decision",
    "remove_committee_member",
    "respond_to_offer",
    "review_frozen",
    "reviewable",
    "reviewer_leaves",
    "save_committee_member",
    "save_review",
    "save_settings",
    "set_constraints",
    "set_lock",
    "set_offer_status",
    "set_proposal_state",
    "set_review_state",
    "settings_to_change",
    "weighted_total",
    "withdraw_offer",
]
