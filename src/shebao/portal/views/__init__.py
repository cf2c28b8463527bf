"""Pages of the portal context: home, item guide, 情形 wizard and 一次性告知单, self-checks.

Everything is server-rendered; htmx only swaps fragments (live search results, the wizard's
questions). Rules (working days, deadlines, retirement, eligibility) come from ``shebao.domain``
through the rules context; these modules only present them.

* :mod:`.searching`: home and search;
* :mod:`.items`: the item guide, the wizard and the notice (HTML and PDF);
* :mod:`.selfcheck`: eligibility self-checks and benefit estimates;
* :mod:`.common`: today, the calendar, the item and its channels.
"""

from shebao.portal.views.items import item_detail, notice, notice_pdf
from shebao.portal.views.searching import home, search
from shebao.portal.views.selfcheck import (
    check_benefits,
    check_early,
    check_resident,
    check_retirement,
    check_unemployment,
    self_check_index,
)

__all__ = [
    "check_benefits",
    "check_early",
    "check_resident",
    "check_retirement",
    "check_unemployment",
    "home",
    "item_detail",
    "notice",
    "notice_pdf",
    "search",
    "self_check_index",
]
