"""Changes to the knowledge base that must be checked and kept on the record."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from franchise.models import Claim, ClaimStatusChange


@transaction.atomic
def set_claim_status(claim, status, *, by, reason):
    """Change a claim's status with a reason; the change is kept as history."""
    if not by.has_perm("franchise.change_claim_status"):
        raise PermissionDenied("Only editors can change a claim's status.")
    if status not in Claim.Status.values:
        raise ValidationError(f"“{status}” is not a claim status.")
    if not reason.strip():
        raise ValidationError("Give a reason for the change of status.")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status == status:
        return claim
    ClaimStatusChange.objects.create(
        claim=claim,
        from_status=claim.status,
        to_status=status,
        reason=reason.strip(),
        by=by,
    )
    claim.status = status
    claim.save(update_fields=["status", "updated_at"])
    return claim


@transaction.atomic
def resolve_dispute(winner, *, by, reason, loser_reason=""):
    """Confirm one value of a disputed fact and deny its competitors.

    Returns the denied claims; their ``articles`` are the coverage that may need
    a correction.
    """
    losers = list(Claim.objects.competing_with(winner))
    if not losers:
        raise ValidationError("This claim has no competing value to resolve.")
    set_claim_status(winner, Claim.Status.CONFIRMED, by=by, reason=reason)
    for loser in losers:
        set_claim_status(
            loser,
            Claim.Status.DENIED,
            by=by,
            reason=loser_reason.strip()
            or f"Contradicted by: {winner.value} — {reason}",
        )
    return losers
