"""The shared table step of the analyses: translated USD headers and ISO date labels."""

from __future__ import annotations

import pandas as pd

# private on purpose: the table formatting helper every analysis uses
from qtlab.present.tables import dated_usd_table


def test_dated_usd_table_translates_headers_and_labels_dates():
    frame = pd.DataFrame(
        {"reserves": [3000.5, 3100.0], "tga": [700.0, 650.25]},
        index=pd.DatetimeIndex(["2022-06-01", "2022-06-08"]),
    )
    en = dated_usd_table(frame, {"reserves": "Reserves"}, "en", "week")
    assert list(en.columns) == ["Reserves [USD bn]", "tga"]
    assert list(en.index) == ["2022-06-01", "2022-06-08"] and en.index.name == "week"
    assert en.to_numpy().tolist() == frame.to_numpy().tolist()
    zh = dated_usd_table(frame, {"reserves": "准备金", "tga": "财政部一般账户"}, "zh", "周")
    assert list(zh.columns) == ["准备金 [十亿美元]", "财政部一般账户 [十亿美元]"]
    assert zh.index.name == "周"
    # the input is left as it was
    assert list(frame.columns) == ["reserves", "tga"]
    assert isinstance(frame.index, pd.DatetimeIndex)
