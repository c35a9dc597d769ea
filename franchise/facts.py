"""Fact boxes: a subject's claims grouped into facts, with disputes made visible.

Works on claims already fetched (with ``sources`` prefetched), so a page that
shows several fact boxes runs no query per claim.
"""

from dataclasses import dataclass, field

from franchise.models import LIVE_CLAIM_STATUSES, Claim, ClaimStatus

# The order in which a fact box lists its facts.
PROPERTY_ORDER = {value: i for i, value in enumerate(Claim.Property.values)}
# When several claims state the same value, the strongest status speaks for it.
STATUS_STRENGTH = {
    ClaimStatus.CONFIRMED: 3,
    ClaimStatus.REPORTED: 2,
    ClaimStatus.RUMOURED: 1,
    ClaimStatus.DENIED: 0,
    ClaimStatus.RETRACTED: 0,
}


@dataclass
class FactValue:
    """One value of a fact and everything that supports it."""

    value: str
    claims: list = field(default_factory=list)

    @property
    def status(self):
        return max((c.status for c in self.claims), key=lambda s: STATUS_STRENGTH[s])

    @property
    def status_label(self):
        return ClaimStatus(self.status).label

    @property
    def is_live(self):
        return self.status in LIVE_CLAIM_STATUSES

    @property
    def sources(self):
        seen, result = set(), []
        for claim in self.claims:
            for source in claim.sources.all():
                if source.pk not in seen:
                    seen.add(source.pk)
                    result.append(source)
        return result


@dataclass
class Fact:
    """A property of a subject (e.g. 'release window'), possibly disputed."""

    property: str
    label: str
    qualifier: str
    values: list = field(default_factory=list)
    disputed: bool = False

    @property
    def live_values(self):
        return [v for v in self.values if v.is_live]

    @property
    def dom_id(self):
        qualifier = "-".join(self.qualifier.lower().split())
        return f"fact-{self.property}-{qualifier}".rstrip("-")


def _value_identity(claim):
    if claim.value_start:
        return ("date", claim.value_start, claim.value_end)
    return ("plain", claim.value_key)


def _strongest_first(claim):
    return (-STATUS_STRENGTH[claim.status], claim.pk or 0)


def build_facts(claims):
    """Group claims (sources prefetched) into facts, flagging disputed ones.

    Claims are grouped by ``Claim.fact_key`` (property and normalised
    qualifier), the key the conflict rule compares, so a fact box shows as
    disputed exactly what ``Claim.objects.disputed()`` lists for editors.
    """
    groups = {}
    for claim in claims:
        groups.setdefault(claim.fact_key, []).append(claim)
    facts = []
    for (prop, _key), members in groups.items():
        members.sort(key=_strongest_first)
        fact = Fact(
            property=prop,
            label=Claim.Property(prop).label,
            # Spelled as the best-supported claim spells it.
            qualifier=members[0].qualifier.strip(),
        )
        by_value = {}
        for claim in members:
            key = _value_identity(claim)
            if key not in by_value:
                by_value[key] = FactValue(value=claim.value)
                fact.values.append(by_value[key])
            by_value[key].claims.append(claim)
        fact.disputed = any(
            a.is_live and a.competes_with(b) for a in members for b in members
        )
        # Live values first, strongest status first; denied values last.
        fact.values.sort(key=lambda v: (-STATUS_STRENGTH[v.status], v.value.casefold()))
        facts.append(fact)
    facts.sort(
        key=lambda f: (PROPERTY_ORDER.get(f.property, 99), f.qualifier.casefold())
    )
    return facts
