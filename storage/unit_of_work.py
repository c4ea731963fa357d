"""One AsyncSession per use case: roll back unless committed; after a commit that queued outbox rows, the
factory's `after_commit` callback runs (create_app sets it to wake the delivery worker)."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.errors import ConflictingWrite
from storage.archives import ArchiveRepository
from storage.audit import AuditRepository
from storage.cache import ReadCache
from storage.contributions import ContributionRepository
from storage.conversations import ConversationRepository
from storage.follow_up import ActionLogRepository, NudgePlanRepository
from storage.forums import ForumRepository
from storage.goal_evaluations import GoalEvaluationRepository
from storage.mail import MailRepository
from storage.meetings import MeetingRepository, SummaryRepository
from storage.outbox import OutboxRepository
from storage.people import PersonRepository
from storage.records import ActionRepository, MinutesRepository
from storage.report_queries import ReportRepository
from storage.retention import RetentionRepository


class SqlAlchemyUnitOfWork:
    """`async with uow:` opens a session; `await uow.commit()` makes the change; anything else rolls back."""

    session: AsyncSession

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        cache: ReadCache | None = None,
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        self._session_factory = session_factory
        self.cache = cache
        self.committed = False
        self._after_commit = after_commit

    async def __aenter__(self) -> SqlAlchemyUnitOfWork:
        self.session = self._session_factory()
        self.committed = False
        self.forums = ForumRepository(self.session, self.cache)
        self.people = PersonRepository(self.session, self.cache)
        self.conversations = ConversationRepository(self.session, self.cache)
        self.meetings = MeetingRepository(self.session)
        self.contributions = ContributionRepository(self.session)
        self.summaries = SummaryRepository(self.session)
        self.outbox = OutboxRepository(self.session)
        self.audit = AuditRepository(self.session)
        self.minutes = MinutesRepository(self.session)
        self.actions = ActionRepository(self.session)
        self.mail = MailRepository(self.session)
        self.action_log = ActionLogRepository(self.session)
        self.nudge_plans = NudgePlanRepository(self.session)
        self.goal_evaluations = GoalEvaluationRepository(self.session)
        self.report = ReportRepository(self.session)
        self.retention = RetentionRepository(self.session)
        self.archives = ArchiveRepository(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self.committed:
                await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        try:
            await self.session.commit()
        except IntegrityError as error:  # a concurrent writer won a unique key: the use case decides what to say
            raise ConflictingWrite from error
        self.committed = True
        if self.outbox.take_inserted() and self._after_commit is not None:
            self._after_commit()

    async def flush(self) -> None:
        try:
            await self.session.flush()
        except IntegrityError as error:
            raise ConflictingWrite from error


class UnitOfWorkFactory:
    """Builds a fresh unit of work per use-case call.

    `after_commit` runs after every commit that queued at least one outbox row (not after a rollback, nor
    when every row was already queued before).
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        cache: ReadCache | None = None,
        *,
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.cache = cache if cache is not None else ReadCache()
        self.after_commit = after_commit

    def __call__(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.session_factory, self.cache, self.after_commit)
