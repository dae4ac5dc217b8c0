"""`%cws browse|rate|submit` and `%cws ami info cami-...` in a notebook: the community registry's
answers as objects, drawn as HTML (escaped, kept from MathJax) and as text."""

from __future__ import annotations

from typing import Any

from IPython.core.interactiveshell import InteractiveShell
from magic_helpers import ok, run

from cws_jupyter.core.sandbox.world import load_world


def html_of(shell: InteractiveShell, obj: Any) -> str:
    data, _ = shell.display_formatter.format(obj)
    return data.get("text/html", "")


def test_browse_is_a_page_drawn_with_stars(lifecycle_shell: InteractiveShell) -> None:
    page = ok(lifecycle_shell, "%cws browse --template r-research")
    assert type(page).__name__ == "BrowsePage" and page.items
    html = html_of(lifecycle_shell, page)
    assert "\u2605" in html and "verified" in html and page.items[0].ami_id in html
    assert "mathjax_ignore" in html


def test_rate_then_info_shows_the_review(lifecycle_shell: InteractiveShell) -> None:
    page = ok(lifecycle_shell, "%cws browse --template bioinformatics")
    target = page.items[0].ami_id
    rated = ok(lifecycle_shell, f'%cws rate {target} 4 --review "Fast <b>enough</b>"')
    assert type(rated).__name__ == "RateResult" and rated.rating == 4
    record = ok(lifecycle_shell, f"%cws ami info {target}")
    assert type(record).__name__ == "AmiDetails"
    html = html_of(lifecycle_shell, record)
    assert "Fast &lt;b&gt;enough&lt;/b&gt;" in html and "<b>enough" not in html


def test_submit_an_image_of_the_sandbox_account(lifecycle_shell: InteractiveShell) -> None:
    image = next(
        i.image_id
        for i in load_world().family("cws-teaching-lab").expand("123456789012")
        if i.region == "us-east-1"
    )
    record = ok(
        lifecycle_shell,
        f"%cws submit {image} --template teaching-lab --region us-east-1 --category teaching",
    )
    assert type(record).__name__ == "SubmitResult" and record.verified
    assert "Published" in html_of(lifecycle_shell, record)


def test_a_bad_rating_is_one_line(lifecycle_shell: InteractiveShell) -> None:
    result, printed = run(lifecycle_shell, "%cws rate cami-0123456789abcdef 9")
    assert not result.success and "9 is not in the range 1<=x<=5" in printed
    assert "Traceback" not in printed
