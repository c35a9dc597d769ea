"""Fact boxes: a subject's claims grouped into facts, with disputes made visible.

Works on claims already fetched (with ``sources`` prefetched, and for public
pages ``status_changes`` too: see ``ClaimQuerySet.for_public``), so a page that
shows several fact boxes runs no query per claim.
"""

from dataclasses import dataclass, field

from franchise.models import (
    LIVE_CLAIM_STATUSES,
    Claim,
    ClaimStatus,
    normalise_qualifier,
)

# The order in which a fact box lists its facts.
PROPERTY_ORDER = {value: i for i, value in enumerate(Claim.Property.values)}
# A fact or a group with more values than this is folded behind <details>.
FOLD_AFTER = 5
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
    def history(self):
        """The public record of its claims' status changes, oldest first."""
        changes = [
            change for claim in self.claims for change in claim.status_changes.all()
        ]
        return sorted(changes, key=lambda change: (change.at, change.pk))

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
    # Set by fact_box(): fold this fact's own values behind <details>.
    fold: bool = False

    @property
    def live_values(self):
        return [v for v in self.values if v.is_live]

    @property
    def status(self):
        """The strongest status among its values."""
        return self.values[0].status

    @property
    def folded(self):
        return len(self.values) > FOLD_AFTER

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


@dataclass
class PropertyGroup:
    """The facts of one property (e.g. every cast member), shown together."""

    property: str
    label: str
    facts: list = field(default_factory=list)

    @property
    def value_count(self):
        return sum(len(fact.values) for fact in self.facts)

    @property
    def folded(self):
        return self.value_count > FOLD_AFTER

    @property
    def dom_id(self):
        return f"facts-{self.property}"


@dataclass
class FactBox:
    """A subject's facts as readers see them: disputes first, then the rest."""

    disputed: list = field(default_factory=list)
    groups: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.disputed or self.groups)

    @property
    def facts(self):
        return [*self.disputed, *(f for group in self.groups for f in group.facts)]

    def find(self, prop, qualifier=""):
        """The fact about ``prop`` (and qualifier), or None."""
        wanted = (prop, normalise_qualifier(qualifier))
        for fact in self.facts:
            if (fact.property, normalise_qualifier(fact.qualifier)) == wanted:
                return fact
        return None


def fact_box(claims):
    """Disputed facts first; then the others grouped by property, surest first."""
    facts = build_facts(claims)
    box = FactBox(disputed=[f for f in facts if f.disputed])
    for fact in box.disputed:
        fact.fold = fact.folded
    groups = {}
    for fact in facts:
        if fact.disputed:
            continue
        if fact.property not in groups:
            groups[fact.property] = PropertyGroup(fact.property, fact.label)
        groups[fact.property].facts.append(fact)
    for group in groups.values():
        group.facts.sort(key=lambda f: -STATUS_STRENGTH[f.status])
        # A long group is folded whole; a long fact in a short group on its own.
        for fact in group.facts:
            fact.fold = fact.folded and not group.folded
    box.groups = sorted(
        groups.values(),
        key=lambda g: (
            -max(STATUS_STRENGTH[f.status] for f in g.facts),
            PROPERTY_ORDER.get(g.property, 99),
        ),
    )
    return box


@dataclass
class Essential:
    """One line of a page's header, taken from the claims where there are any."""

    label: str
    fact: Fact | None = None
    fallback: str = ""

    @property
    def disputed(self):
        return bool(self.fact and self.fact.disputed)

    @property
    def value(self):
        """The one value to print when the claims agree."""
        if self.fact and self.fact.live_values:
            return self.fact.live_values[0]
        return None


def essential(box, label, prop, fallback=""):
    """The header line for ``prop``: its live fact, else the row's own field."""
    fact = box.find(prop)
    if fact is not None and not fact.live_values:
        fact = None
    return Essential(label=label, fact=fact, fallback=fallback)


def film_essentials(film, box):
    """Title, status, release window and platform as the claims state them.

    The film's own fields speak only where no live claim does, so the header
    never says "Not announced" while the fact box holds a disputed date.
    """
    Property = Claim.Property
    release = film.release_display if film.release_date else ""
    rows = [
        essential(box, "Subtitle", Property.SUBTITLE),
        essential(
            box,
            "Status",
            Property.PRODUCTION_STATUS,
            film.get_production_status_display(),
        ),
        essential(box, "Release", Property.RELEASE_WINDOW, release),
        essential(box, "Platform", Property.RELEASE_PLATFORM, film.distributor),
    ]
    return [row for row in rows if row.fact or row.fallback or row.label == "Release"]
