"""Networks, their library and conversations; the repertoire of each school.

Every board has its network (`networks.access.ensure_board_network` makes it on first need;
here it is made up front) and all schools also join one national network across boards, so
its library and conversations grow with the number of schools. Leaders publish some adopted
versions, start conversations and reply; some name a development group member as a guest.

The repertoire follows `repertoire/demo.py`: the default codes (`codes.seed_codes`, which the
post_save signal of a school runs and `bulk_create` does not), moments of this school year
with the author's keyed hash (`codes.author_key`) unless they chose to show their name, cases
that bundle some of them, and entries copied from the starter set, some adopted by consent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.utils import translation

from dramaturg.consent.models import Answer, Outcome, SubjectState
from dramaturg.demo.repertoire import CASES, demo_moments
from dramaturg.generator.bulk import at, copy_rows, create
from dramaturg.generator.cards import CardPlan
from dramaturg.generator.people import SchoolPeople
from dramaturg.networks.library_search import card_columns, columns, entry_texts
from dramaturg.networks.models import (
    Network,
    NetworkGuest,
    NetworkSchool,
    PublishedCard,
    PublishedEntry,
    Reply,
    Thread,
)
from dramaturg.repertoire.codes import DEFAULT_CODES, author_key
from dramaturg.repertoire.models import (
    Case,
    CodeTag,
    Entry,
    EntryConsentAnswer,
    EntryConsentRound,
    EntryVersion,
    Moment,
)
from dramaturg.repertoire.models.entries import ENTRY_TEXTS
from dramaturg.repertoire.services.starter import starter_origin
from dramaturg.repertoire.snapshot import take_snapshot
from dramaturg.repertoire.starter_set import starter_entries
from dramaturg.schools.models import Board, Quorum, School, school_year_start
from dramaturg.schools.roles import Role
from dramaturg.sources.models import Source

QUESTIONS = (
    "Hoe houden jullie de afspraken uit de kleedkamer levend?",
    "Wie heeft ervaring met collegiale consultatie in de bovenbouw?",
    "Hoe bespreken jullie de uitkomsten van een meting met het team?",
    "Hoe betrekken jullie nieuwe collega's bij de kwaliteitskaarten?",
    "Wat doen jullie als een team een meting niet vertrouwt?",
    "Hoe plannen jullie de zelfevaluatie van een kaart?",
)
CASE_TITLES = (
    "Een team dat elkaar niet meer aanspreekt",
    "Een ouder die de schoolleiding passeert",
    "Een collega die na een incident alleen bleef staan",
    "Afspraken die na de zomer vergeten zijn",
)
REPLIES = (
    "Bij ons werkt een vast moment in de teamvergadering.",
    "We hebben dit opgelost met een maatje voor elke nieuwe collega.",
    "Herkenbaar. Wij zijn begonnen met één kaart en één afspraak.",
    "Misschien kun je de ontwikkelgroep vragen het voor te bereiden?",
    "Wij bespreken de cijfers eerst met de sectievoorzitters.",
)


def create_networks(
    rng: np.random.Generator, boards: list[Board], schools: list[School], prefix: str
) -> tuple[dict[int, Network], Network]:
    """A network per board and one national network that every school joined."""
    networks = create(
        Network,
        (
            Network(
                kind=Network.Kind.BOARD, board=board, name=board.name, slug=f"{board.slug}-netwerk"
            )
            for board in boards
        ),
    )
    national = Network.objects.create(
        kind=Network.Kind.CROSS_BOARD,
        name="Landelijk netwerk schoolcultuur",
        slug=f"{prefix}-landelijk",
        description="Schoolleiders uit het hele land leren van elkaars kaarten en casussen.",
    )
    copy_rows(
        NetworkSchool,
        ("network", "school", "joined_at"),
        ((national.pk, school.pk, at(school.created_at.date())) for school in schools),
    )
    return {network.board_id: network for network in networks}, national  # type: ignore[misc]


class CommunityWriter:
    def __init__(
        self,
        rng: np.random.Generator,
        today: dt.date,
        board_networks: dict[int, Network],
        national: Network,
    ) -> None:
        self.rng, self.today = rng, today
        self.board_networks, self.national = board_networks, national
        self.moments = demo_moments()
        self.starters = list(starter_entries().values())
        self.sources = dict(
            Source.objects.filter(key__isnull=False, school=None).values_list("key", "pk")
        )
        self.counts = {"publications": 0, "threads": 0, "moments": 0, "entries": 0}

    # --- networks ---

    def write_networks(self, groups: list[SchoolPeople], adopted: list[CardPlan]) -> None:
        publications, guests, threads = [], [], []
        for plan in adopted:
            school = plan.group.school
            for version in plan.publish:
                published = version.adopted_at + dt.timedelta(days=int(self.rng.integers(1, 60)))
                published = min(published, at(self.today))
                leader = plan.group.leader.user
                for network, chance in (
                    (self.board_networks[school.board_id], 0.5),
                    (self.national, 0.3),
                ):
                    if self.rng.random() < chance:
                        publications.append(
                            PublishedCard(
                                network=network,
                                version=version,
                                school=school,
                                show_school=bool(self.rng.random() < 0.6),
                                published_by=leader,
                                published_at=published,
                                # The library's columns, as publishing stores them.
                                **card_columns(version),
                            )
                        )
        for group in groups:
            network = self.board_networks[group.school.board_id]
            carriers = group.active(self.today, (Role.CULTURE_CARRIER,))
            if carriers and self.rng.random() < 0.3:
                guests.append(
                    NetworkGuest(
                        network=network,
                        user=carriers[0].user,
                        kind=NetworkGuest.Kind.CULTURE_CARRIER,
                        school=group.school,
                        invited_by=group.leader.user,
                    )
                )
            # A conversation per few schools, in the board's network or the national one.
            for _n in range(int(self.rng.poisson(0.6))):
                target = network if self.rng.random() < 0.6 else self.national
                leader = group.leader.user
                day = self.today - dt.timedelta(days=int(self.rng.integers(0, 700)))
                case = self.rng.random() < 0.3
                threads.append(
                    (
                        Thread(
                            network=target,
                            kind=Thread.Kind.CASE if case else Thread.Kind.QUESTION,
                            title=(CASE_TITLES if case else QUESTIONS)[
                                int(self.rng.integers(len(CASE_TITLES if case else QUESTIONS)))
                            ],
                            body="Ik ben benieuwd hoe andere scholen hiermee omgaan.",
                            author=leader,
                            school=group.school,
                            show_school=bool(self.rng.random() < 0.8),
                            created_at=at(day),
                        ),
                        day,
                    )
                )
        create(PublishedCard, publications)
        create(NetworkGuest, guests)
        create(Thread, [thread for thread, _day in threads])
        leaders = [g.leader for g in groups]
        replies = []
        for thread, day in threads:
            for n in range(int(self.rng.poisson(2.5))):
                author = leaders[int(self.rng.integers(len(leaders)))]
                replies.append(
                    (
                        thread.pk,
                        REPLIES[int(self.rng.integers(len(REPLIES)))],
                        author.user.pk,
                        author.membership.school_id,
                        True,
                        at(min(day + dt.timedelta(days=n + 1), self.today)),
                    )
                )
        copy_rows(
            Reply, ("thread", "body", "author", "school", "show_school", "created_at"), replies
        )
        self.counts["publications"] += len(publications)
        self.counts["threads"] += len(threads)

    # --- the repertoire ---

    def write_repertoire(self, groups: list[SchoolPeople]) -> None:
        codes = create(
            CodeTag,
            (
                CodeTag(school=g.school, key=key, name_nl=nl, name_en=en, position=position)
                for g in groups
                for position, (key, nl, en) in enumerate(DEFAULT_CODES)
            ),
        )
        by_school: dict[int, dict[str, CodeTag]] = {}
        for code in codes:
            by_school.setdefault(code.school_id, {})[code.key] = code
        year_start = dt.date(school_year_start(self.today), 8, 1)
        with translation.override("nl"):  # as a Dutch-speaking copier's copy reads
            origins = {st.key: starter_origin(st.title("nl")) for st in self.starters}
        cases, moments, entries = [], [], []
        for group in groups:
            school_codes = by_school[group.school.pk]
            carriers = group.active(self.today, (Role.CULTURE_CARRIER,)) or [group.leader]
            members = group.active(self.today, (Role.MEMBER,)) or carriers
            school_cases = []
            for n in sorted(self.rng.permutation(len(CASES))[: int(self.rng.integers(0, 4))]):
                title, description, clash, stage, keys, questions = CASES[n]
                case = Case(
                    school=group.school,
                    title=title,
                    description=description,
                    clash=clash,
                    stage=stage,
                    questions=questions,
                    created_by=carriers[0].user,
                    created_at=at(year_start + dt.timedelta(days=30)),
                )
                cases.append((case, [school_codes[k] for k in keys]))
                school_cases.append(case)
            days = max((self.today - year_start).days, 1)
            for _n in range(int(self.rng.poisson(6))):
                spec = self.moments[int(self.rng.integers(len(self.moments)))]
                author = members[int(self.rng.integers(len(members)))].user
                named = bool(self.rng.random() < 0.3)
                moment = Moment(
                    school=group.school,
                    what_happened=spec["what"],
                    clash=spec["clash"],
                    stage=spec["stage"],
                    involved=list(spec["involved"]),
                    what_i_did=spec["did"],
                    how_it_ended=spec["ended"],
                    want_to_learn=spec["learn"],
                    recorded_on=year_start + dt.timedelta(days=int(self.rng.integers(0, days))),
                    show_author=named,
                    author=author if named else None,
                    author_key="" if named else author_key(author, group.school),
                    case=(
                        school_cases[int(self.rng.integers(len(school_cases)))]
                        if school_cases and self.rng.random() < 0.4
                        else None
                    ),
                )
                moments.append((moment, [school_codes[k] for k in spec["codes"]]))
            for n in sorted(
                self.rng.permutation(len(self.starters))[: int(self.rng.integers(0, 5))]
            ):
                starter = self.starters[n]
                adopted = self.rng.random() < 0.5
                created = self.today - dt.timedelta(days=int(self.rng.integers(10, 300)))
                entry = Entry(
                    school=group.school,
                    clash=starter.clash,
                    risk_ladder=starter.risk_ladder,
                    template_key=starter.key,
                    origin=origins[starter.key],
                    created_by=carriers[0].user,
                    created_at=at(created),
                    updated_at=at(created),
                    state=SubjectState.ADOPTED if adopted else SubjectState.DRAFT,
                    adopted_version=1 if adopted else 0,
                    case=school_cases[0] if school_cases and self.rng.random() < 0.3 else None,
                    **{
                        f"{name}_{lang}": starter.texts[name][lang]
                        for name in starter.texts
                        for lang in ("nl", "en")
                    },
                )
                tags = [school_codes[k] for k in starter.codes]
                sources = [self.sources[k] for k in starter.sources if k in self.sources]
                entries.append((entry, tags, sources, group))
        create(Case, [case for case, _codes in cases])
        copy_rows(
            Case.codes.through,
            ("case", "codetag"),
            ((case.pk, code.pk) for case, tags in cases for code in tags),
        )
        create(Moment, [moment for moment, _codes in moments])
        copy_rows(
            Moment.codes.through,
            ("moment", "codetag"),
            ((moment.pk, code.pk) for moment, tags in moments for code in tags),
        )
        create(Entry, [entry for entry, *_rest in entries])
        copy_rows(
            Entry.codes.through,
            ("entry", "codetag"),
            ((entry.pk, code.pk) for entry, tags, *_rest in entries for code in tags),
        )
        copy_rows(
            Entry.sources.through,
            ("entry", "source"),
            ((entry.pk, pk) for entry, _tags, sources, _g in entries for pk in sources),
        )
        self.adopt_entries([(e, g) for e, _t, _s, g in entries if e.state == SubjectState.ADOPTED])
        self.counts["moments"] += len(moments)
        self.counts["entries"] += len(entries)

    def adopt_entries(self, adopted: list[tuple[Entry, SchoolPeople]]) -> None:
        rounds, plans = [], []
        for entry, group in adopted:
            eligible = sorted(group.active(self.today), key=lambda p: p.user.pk)
            required = Quorum.required(group.school.consent_quorum, len(eligible))
            count = int(self.rng.integers(required, len(eligible) + 1))
            answering = [eligible[n] for n in sorted(self.rng.permutation(len(eligible))[:count])]
            opened = entry.created_at + dt.timedelta(days=7)
            rounds.append(
                EntryConsentRound(
                    entry=entry,
                    number=1,
                    opened_by=group.leader.user,
                    opened_at=opened,
                    closed_at=opened + dt.timedelta(days=2),
                    outcome=Outcome.ADOPTED,
                    snapshot=take_snapshot(entry),
                    eligible=len(eligible),
                    required=required,
                )
            )
            plans.append((entry, group, answering))
        create(EntryConsentRound, rounds)
        answers: list[tuple[Any, ...]] = []
        versions, publications = [], []
        for consent_round, (entry, group, answering) in zip(rounds, plans, strict=True):
            answers += [
                (consent_round.pk, p.user.pk, Answer.CONSENT, "", consent_round.opened_at, None)
                for p in answering
            ]
            participants = sorted(
                ({"name": p.user.display_name, "answer": "consent", "objection_withdrawn": False}
                 for p in answering),
                key=lambda row: str(row["name"]),
            )  # fmt: skip
            version = EntryVersion(
                entry=entry, number=1, round=consent_round, snapshot=consent_round.snapshot,
                participants=participants,
                adopted_at=consent_round.opened_at + dt.timedelta(days=2),
            )  # fmt: skip
            versions.append(version)
            if self.rng.random() < 0.25:
                publications.append((version, group))
        copy_rows(
            EntryConsentAnswer,
            ("round", "user", "answer", "reason", "answered_at", "withdrawn_at"),
            answers,
        )
        create(EntryVersion, versions)
        create(
            PublishedEntry,
            (
                PublishedEntry(
                    network=self.national,
                    version=version,
                    school=group.school,
                    show_school=True,
                    published_by=group.leader.user,
                    published_at=min(version.adopted_at + dt.timedelta(days=3), at(self.today)),
                    **columns(version.snapshot, entry_texts(version.snapshot, ENTRY_TEXTS)),
                )
                for version, group in publications
            ),
        )
