"""The page „Erklärung zur Barrierefreiheit“ (issue #18): status, known limits, the contact the
deploying authority configures (shown as text), linked from the atlas's footer."""

from __future__ import annotations

import pytest

from atlas import a11y_page


@pytest.fixture(scope="module")
def client(app_module):
    return app_module.server.test_client()


def test_the_statement_names_status_limits_and_the_placeholder_contact(client, monkeypatch):
    monkeypatch.delenv(a11y_page.CONTACT_ENV, raising=False)
    response = client.get(a11y_page.PATH)
    assert response.status_code == 200
    assert response.content_type.startswith("text/html")
    page = response.get_data(as_text=True)
    assert '<html lang="de">' in page and "<h1" in page and "<main" in page
    assert "Erklärung zur Barrierefreiheit" in page and "BITV 2.0" in page
    assert all(limit.split("„")[0][:30] in page for limit in a11y_page.KNOWN_LIMITS)
    assert a11y_page.CONTACT_ENV in page  # the placeholder says how to fill it in


def test_the_configured_contact_is_shown_as_text(client, monkeypatch):
    monkeypatch.setenv(a11y_page.CONTACT_ENV, "Landratsamt <b>Musterkreis</b>, a11y@example.org")
    page = client.get(a11y_page.PATH).get_data(as_text=True)
    assert "Landratsamt &lt;b&gt;Musterkreis&lt;/b&gt;, a11y@example.org" in page
    assert "<b>Musterkreis</b>" not in page
    assert a11y_page.CONTACT_PLACEHOLDER not in page


def test_the_atlas_links_the_statement_from_its_one_footer(client, data):
    from layouts.main import A11Y_PAGE, layout
    from tests.conftest import component_text

    assert A11Y_PAGE == a11y_page.PATH
    tree = layout(data)
    footers, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(node)
            continue
        if type(node).__name__ == "Footer":
            footers.append(node)
        if getattr(node, "children", None) is not None:
            stack.append(node.children)
    assert len(footers) == 1
    assert "Erklärung zur Barrierefreiheit" in component_text(footers[0])
    page = client.get("/").get_data(as_text=True)
    assert "<footer" not in page  # Dash's scripts are in a plain div, not a second footer
    assert '<meta name="description"' in page
