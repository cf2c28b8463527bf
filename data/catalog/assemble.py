"""Assemble yangcheng.yaml from the reviewed header and the transcription drafts.

Run once after editing a draft: ``.venv/bin/python data/catalog/assemble.py``. The output
is the one file the system reads; the drafts are kept for review history.
"""

from pathlib import Path

import yaml

HERE = Path(__file__).parent


def main() -> None:
    header = (HERE / "header.yaml").read_text(encoding="utf-8")
    items = []
    for name in ("items_01_20.yaml", "items_21_40.yaml"):
        items += yaml.safe_load((HERE / "drafts" / name).read_text(encoding="utf-8"))
    tolerance = yaml.safe_load((HERE / "drafts" / "tolerance.yaml").read_text(encoding="utf-8"))
    body = {"items": sorted(items, key=lambda d: d["no"]), "tolerance_list": tolerance}
    # 一件事一次办 bundles (our own wording, see src/shebao/lifeevents); optional.
    life_events_file = HERE / "life_events.yaml"
    if life_events_file.exists():
        body["life_events"] = yaml.safe_load(life_events_file.read_text(encoding="utf-8"))["life_events"]
    text = yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=1000)
    (HERE / "yangcheng.yaml").write_text(header + text, encoding="utf-8")
    print(f"yangcheng.yaml: {len(items)} items, {len(tolerance)} 容缺 rows, "
          f"{len(body.get('life_events', []))} 一件事")


if __name__ == "__main__":
    main()
