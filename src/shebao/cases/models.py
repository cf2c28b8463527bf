"""Cases (办件): one application moving through its item's procedure on the working-day clock.

Only ``shebao.cases.services`` writes these tables. ``Case.version`` is the optimistic lock:
every change is ``UPDATE … WHERE id = … AND version = n`` and bumps it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from shebao.cases import workflow as wf
from shebao.catalog.models import Department, Item, ItemVersion
from shebao.core.models import County
from shebao.domain.privacy import MaskedApplicant, mask_phone


class CaseCounter(models.Model):
    """The last sequence number handed out per county, department and year (locked at intake)."""

    county = models.ForeignKey(County, verbose_name="县（区）", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, verbose_name="股室", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "办件编号计数器"
        verbose_name_plural = "办件编号计数器"
        constraints = [
            models.UniqueConstraint(fields=["county", "department", "year"], name="uniq_case_counter"),
        ]

    def __str__(self) -> str:
        return f"{self.department.code}-{self.year}: {self.last}"


class Case(MaskedApplicant, models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = wf.IN_PROGRESS, wf.STATUS_LABELS[wf.IN_PROGRESS]
        SUSPENDED = wf.SUSPENDED, wf.STATUS_LABELS[wf.SUSPENDED]
        FINISHED = wf.FINISHED, wf.STATUS_LABELS[wf.FINISHED]
        REFUSED = wf.REFUSED, wf.STATUS_LABELS[wf.REFUSED]
        NOT_ACCEPTED = wf.NOT_ACCEPTED, wf.STATUS_LABELS[wf.NOT_ACCEPTED]
        TERMINATED = wf.TERMINATED, wf.STATUS_LABELS[wf.TERMINATED]

    class Warning(models.TextChoices):
        NORMAL = wf.NORMAL, wf.WARNING_LABELS[wf.NORMAL]
        YELLOW = wf.YELLOW, wf.WARNING_LABELS[wf.YELLOW]
        RED = wf.RED, wf.WARNING_LABELS[wf.RED]

    class ApplicantKind(models.TextChoices):
        PERSON = "person", "个人"
        UNIT = "unit", "单位"

    # No index of its own: each of Meta.indexes starting with the county serves a lookup by county,
    # and every index is one more B-tree page written by each intake.
    county = models.ForeignKey(County, verbose_name="县（区）", on_delete=models.PROTECT, related_name="cases",
                               db_index=False)
    department = models.ForeignKey(Department, verbose_name="股室", on_delete=models.PROTECT, related_name="cases")
    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.PROTECT, related_name="cases")
    item_version = models.ForeignKey(ItemVersion, verbose_name="事项版本", on_delete=models.PROTECT,
                                     related_name="cases")
    case_no = models.CharField("办件编号", max_length=32, unique=True)
    query_code = models.CharField("查询码", max_length=12)

    scenario_code = models.CharField("情形编码", max_length=60, blank=True)
    scenario_name = models.CharField("情形", max_length=200, blank=True)
    applicant_kind = models.CharField("申请人类型", max_length=10, choices=ApplicantKind.choices)
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_id = models.CharField("身份证号码/统一社会信用代码", max_length=18)
    agent_name = models.CharField("经办人/代理人", max_length=50, blank=True)
    agent_id = models.CharField("代理人身份证号码", max_length=18, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    email = models.EmailField("电子邮箱", blank=True)

    status = models.CharField("状态", max_length=20, choices=Status.choices)  # indexed as (status, warning)
    steps = models.JSONField("办理环节", default=list)
    step_index = models.PositiveSmallIntegerField("当前环节序号", default=0)
    current_step = models.CharField("当前环节", max_length=60)

    tolerance = models.BooleanField("容缺受理", default=False)
    awaiting_supplement = models.BooleanField("待补容缺材料", default=False)
    supplement_due = models.DateField("容缺补正期限", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("容缺提醒时间", null=True, blank=True)

    received_at = models.DateTimeField("受理时间")
    statutory_due = models.DateField("法定办结日期", null=True, blank=True)
    promised_due = models.DateField("承诺办结日期", null=True, blank=True)
    extended_due = models.DateField("延期后办结日期", null=True, blank=True)
    provisional = models.BooleanField("日期暂定", default=False)
    clock_notes = models.JSONField("时限说明", default=dict, blank=True, encoder=DjangoJSONEncoder)
    suspended_at = models.DateTimeField("挂起时间", null=True, blank=True)
    suspended_days = models.PositiveIntegerField("累计挂起工作日", default=0)
    extension_days = models.PositiveIntegerField("累计延期工作日", default=0)
    warning = models.CharField("预警", max_length=10, choices=Warning.choices, default=wf.NORMAL, db_index=True)

    result = models.TextField("办理结果", blank=True)
    refusal_reasons = models.JSONField("不予受理/办理理由", default=list, blank=True)
    closed_at = models.DateTimeField("办结/终结时间", null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="受理人账号", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    handed_over_at = models.DateTimeField(
        "移交股室时间", null=True, blank=True,
        help_text="综合受理窗口受理的办件移交所属股室的时间；股室自己受理的办件为受理时间",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["county", "department", "status"]),
            models.Index(fields=["status", "warning"]),
            # The director's dashboard filters every figure by county and a date range.
            models.Index(fields=["county", "received_at"], name="case_county_received_idx"),
            models.Index(fields=["county", "closed_at"], name="case_county_closed_idx"),
        ]

    def __str__(self) -> str:
        return self.case_no

    # -- derived -----------------------------------------------------------------------------
    @property
    def status_label(self) -> str:
        return wf.STATUS_LABELS.get(self.status, self.status)

    @property
    def warning_label(self) -> str:
        return wf.WARNING_LABELS.get(self.warning, self.warning)

    @property
    def is_open(self) -> bool:
        return self.status in wf.OPEN_STATUSES

    @property
    def effective_due(self):
        return self.extended_due or self.promised_due or self.statutory_due

    @property
    def due_provisional(self) -> bool:
        """Whether the due date shown (``effective_due``) may still move: the working days up to it
        run through a year whose holiday arrangement is not known yet. ``provisional`` says that of
        any of the case's deadlines (a statutory date in 2027 behind a promise in 2026), which
        decides what is recomputed once a schedule is loaded, not what is marked 暂定."""
        due = self.effective_due
        if not self.provisional or due is None or self.received_at is None:
            return False
        from shebao.cases.services.common import get_calendar, today_of

        # Asked several times per request (notice text, API body, page): the answer is kept on the
        # instance for the dates it was computed from, so a later extension is still re-answered.
        key = (today_of(self.received_at), due)
        kept = self.__dict__.get("_due_provisional")
        if kept is not None and kept[0] == key:
            return kept[1]
        answer = bool(get_calendar().provisional_years(*key))
        self.__dict__["_due_provisional"] = (key, answer)
        return answer

    def workflow_steps(self) -> list[wf.Step]:
        return wf.steps_from_dicts(self.steps)

    def step_state(self, index: int) -> str:
        """``done``, ``current``, ``stopped`` or ``pending``: where step ``index`` of the procedure
        stands. ``stopped`` is the step a case ended at without being finished (不予办理 at 决定,
        a 容缺 case terminated): it was reached, so it is not "未开始"."""
        if index < self.step_index or self.status == wf.FINISHED:
            return "done"
        if index == self.step_index:
            return "stopped" if self.status in wf.CLOSED_STATUSES else "current"
        return "pending"

    @property
    def step_kind(self) -> str:
        steps = self.workflow_steps()
        return steps[self.step_index].kind if steps else wf.INTAKE

    def workflow_state(self) -> wf.CaseState:
        return wf.CaseState(
            status=self.status,
            step_index=self.step_index,
            steps=tuple(self.workflow_steps()),
            awaiting_supplement=self.awaiting_supplement,
            has_due_date=(self.promised_due or self.statutory_due) is not None,
        )

    @property
    def front_desk_holder_id(self) -> int | None:
        """The user who took the case in at the 综合受理窗口 and still holds it (not yet handed over
        to the department); ``None`` once handed over, and for cases taken in by the department."""
        return self.created_by_id if self.handed_over_at is None else None

    @property
    def item_name(self) -> str:
        return self.item_version.data.get("name", "")

    def prime(self, *, materials: list, actions: list, notifications: list) -> None:
        """Hold the children just written with a new case, so that reading it back for the answer
        (materials, timeline, messages, no rating yet) costs no query. Plain lists, read through
        :meth:`fresh`: a related manager's queryset for each would cost more than the insert."""
        self._fresh_children = {"materials": list(materials), "actions": list(actions),
                                "notifications": list(notifications)}
        self._state.fields_cache["rating"] = None

    def fresh(self, name: str) -> list | None:
        """The children :meth:`prime` holds under ``name``, or ``None`` (read them from the database)."""
        return getattr(self, "_fresh_children", {}).get(name)


class CaseMaterial(models.Model):
    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="materials")
    order = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("材料", max_length=200)
    text = models.CharField("材料说明", max_length=500, blank=True)
    status = models.CharField("状态", max_length=10, choices=list(wf.MATERIAL_STATUS_LABELS.items()))
    required = models.BooleanField("必需", default=True)
    optional_when = models.CharField("需要的情形", max_length=200, blank=True)
    tolerable = models.BooleanField("可容缺", default=False)
    tolerance_days = models.PositiveSmallIntegerField("容缺补正工作日", null=True, blank=True)
    tolerated = models.BooleanField("容缺后补", default=False)
    supplied_at = models.DateTimeField("补交时间", null=True, blank=True)

    class Meta:
        verbose_name = "办件材料"
        verbose_name_plural = "办件材料"
        ordering = ["case", "order"]
        constraints = [models.UniqueConstraint(fields=["case", "name"], name="uniq_case_material")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_status_display()}）"


class CaseAction(models.Model):
    """The case's timeline: one row per intake, action, reminder, expiry."""

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="actions")
    action = models.CharField("操作", max_length=30)
    step_before = models.CharField("原环节", max_length=60, blank=True)
    step_after = models.CharField("新环节", max_length=60, blank=True)
    status_before = models.CharField("原状态", max_length=20, blank=True)
    status_after = models.CharField("新状态", max_length=20, blank=True)
    reason = models.TextField("理由/结果", blank=True)
    detail = models.JSONField("详情", default=dict, blank=True, encoder=DjangoJSONEncoder)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人账号", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField("操作人", max_length=150, blank=True)
    created_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return wf.TIMELINE_LABELS.get(self.action, self.action)  # as the timelines title the row


class Suspension(models.Model):
    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="suspensions")
    reason = models.TextField("挂起原因")
    started_at = models.DateTimeField("挂起时间")
    ended_at = models.DateTimeField("恢复时间", null=True, blank=True)
    working_days = models.PositiveIntegerField("暂停工作日", default=0)

    class Meta:
        verbose_name = "挂起记录"
        verbose_name_plural = "挂起记录"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} 挂起 {self.started_at:%Y-%m-%d}"


class Extension(models.Model):
    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField("延长工作日")
    reason = models.TextField("延期理由")
    due_before = models.DateField("原办结日期", null=True, blank=True)
    due_after = models.DateField("延期后办结日期", null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人账号", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "延期记录"
        verbose_name_plural = "延期记录"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} 延期 {self.days} 个工作日"


class Notification(models.Model):
    class Kind(models.TextChoices):
        ACCEPTED = "accepted", "受理通知"
        NOT_ACCEPTED = "not_accepted", "不予受理通知"
        TOLERANCE_REMINDER = "tolerance_reminder", "容缺补正提醒"
        TERMINATED = "terminated", "终止通知"
        RESULT = "result", "办理结果通知"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        SKIPPED = "skipped", "无联系方式"

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField("类型", max_length=30, choices=Kind.choices)
    channel = models.CharField("渠道", max_length=10)
    recipient = models.CharField("接收人", max_length=200, blank=True)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    error = models.CharField("错误", max_length=300, blank=True)
    created_at = models.DateTimeField("生成时间")
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["case", "id"]
        # The outbox sender looks for waiting messages every second: an index of those alone.
        indexes = [models.Index(fields=["id"], condition=models.Q(status="pending"), name="notification_outbox")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.status}"

    @property
    def masked_recipient(self) -> str:
        if "@" in self.recipient:
            user, _, host = self.recipient.partition("@")
            return (user[:1] + "***@" + host) if user else self.recipient
        return mask_phone(self.recipient)


class Rating(models.Model):
    """好差评: the applicant's rating of a finished case; 不满意/非常不满意 are 差评."""

    class Level(models.TextChoices):
        VERY_SATISFIED = "very_satisfied", "非常满意"
        SATISFIED = "satisfied", "满意"
        BASIC = "basically_satisfied", "基本满意"
        DISSATISFIED = "dissatisfied", "不满意"
        VERY_DISSATISFIED = "very_dissatisfied", "非常不满意"

    BAD_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)

    case = models.OneToOneField(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="rating")
    level = models.CharField("评价", max_length=30, choices=Level.choices)
    comment = models.TextField("意见", blank=True)
    is_bad = models.BooleanField("差评", default=False, db_index=True)
    created_at = models.DateTimeField("评价时间", db_index=True)
    follow_up = models.TextField("整改回访情况", blank=True)
    follow_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="回访人账号", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    follow_up_at = models.DateTimeField("回访时间", null=True, blank=True)

    class Meta:
        verbose_name = "好差评"
        verbose_name_plural = "好差评"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_level_display()}"


class IntakeSubmission(models.Model):
    """One intake form, taken in once (防重复提交): the key the form (or an API client's
    ``Idempotency-Key``) carried, and the case it made. A second submission with the same key —
    a double click, a resent request after a timeout — gets that case back instead of a new one.
    """

    key = models.CharField("提交标识", max_length=64, unique=True)
    #: What the form said (SHA-256 of its content): the same key with other content is another form.
    fingerprint = models.CharField("内容摘要", max_length=64)
    case = models.OneToOneField(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="submission")
    created_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = "受理提交记录"
        verbose_name_plural = "受理提交记录"

    def __str__(self) -> str:
        return f"{self.key} → {self.case_id}"


class PublicAttempt(models.Model):
    """A failed public look-up (progress query, rating, 一件事 progress query) per client IP, for
    rate limiting; ``scope`` says which budget it counts against.

    Kept in the database (not the per-process cache) so that the limit holds across every
    worker and machine; the tick deletes rows older than a day. ``target`` is the number typed
    and ``target_exists`` whether it named a case (bundle) then: a later success from the same IP
    forgives the failures it makes harmless (see ``cases.services.public.forgive_failures``).
    """

    ip = models.CharField("来源地址", max_length=64, db_index=True)
    scope = models.CharField("类别", max_length=20)
    created_at = models.DateTimeField("时间", db_index=True)
    target = models.CharField("所查编号", max_length=40, blank=True, default="")
    target_exists = models.BooleanField("编号存在", default=True)

    class Meta:
        verbose_name = "公开查询失败记录"
        verbose_name_plural = "公开查询失败记录"

    def __str__(self) -> str:
        return f"{self.scope} {self.created_at:%Y-%m-%d %H:%M}"


class JobLease(models.Model):
    """A named lease so that only one worker or machine runs a periodic job at a time."""

    name = models.CharField("任务", max_length=60, unique=True)
    holder = models.CharField("持有者", max_length=120)
    acquired_at = models.DateTimeField("取得时间")
    expires_at = models.DateTimeField("到期时间")

    class Meta:
        verbose_name = "任务租约"
        verbose_name_plural = "任务租约"

    def __str__(self) -> str:
        return f"{self.name} → {self.holder} until {self.expires_at:%Y-%m-%d %H:%M:%S}"
