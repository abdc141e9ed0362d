"""The pages a person sees after clicking an e-mail survey link (every value escaped)."""
from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from chalicelib import http
from chalicelib.links import schemas
from chalicelib.links.texts import texts
from chalicelib.web import pages
from chalicelib.web.pages import esc

if TYPE_CHECKING:
    from chalice import Response
    from chalice.app import Request

    from chalicelib.links.service import FollowedLink

CSS = "../../page.css"  # pages live at /v1/s/{token}


def score_page(token: str, followed: FollowedLink) -> Response:
    """Thanks, the follow-up question as a plain form, an opt-out offer and the privacy notice."""
    survey = followed.survey
    t = texts(survey["locale"])
    headline = t["recorded"] if followed.response_id else t["already"]
    form = shown = ""
    if followed.response_id:
        shown = f'<p>{esc(t["your_score"])}: <span class="score">{followed.score}</span></p>'
        form = (f'<form method="post" action="{esc(quote(token, safe=""))}">'
                f'<label for="comment"><strong>{esc(survey["follow_up"])}</strong></label>'
                '<textarea id="comment" name="comment" maxlength="2000"></textarea>'
                f'<p><button type="submit">{esc(t["send"])}</button></p></form>')
    body = (f'<main><div class="card"><p class="muted">{esc(survey["question"])}</p>'
            f'{shown}<h1>{esc(headline)}</h1>{form}</div>{_footer(followed, t)}</main>')
    return pages.page(headline, body, css=CSS, lang=survey["locale"])


def comment_page(followed: FollowedLink) -> Response:
    t = texts(followed.survey["locale"])
    body = f'<main><div class="card"><h1>{esc(t["saved"])}</h1></div>{_footer(followed, t)}</main>'
    return pages.page(t["saved"], body, css=CSS, lang=followed.survey["locale"])


def _footer(followed: FollowedLink, t: dict[str, str]) -> str:
    survey = followed.survey
    notice = (f'../privacy-notice?locale={quote(survey["locale"])}'
              f'&version={quote(str(survey["privacy_notice_version"]))}')
    return (f'<p class="muted">{esc(t["opt_out_text"])} '
            f'<a href="../opt-out/{esc(quote(followed.opt_out_token, safe=""))}">{esc(t["opt_out_link"])}</a>'
            f' · <a href="{esc(notice)}">{esc(t["privacy"])}</a></p>')


def form_comment(request: Request) -> str:
    """The `comment` field of the page's form post, checked like a JSON body."""
    return str(http.validate(pages.form_fields(request), schemas.COMMENT_FORM)["comment"])
