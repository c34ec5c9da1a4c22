"""A Sitzungsfolge view is found as the one shown however it was written: without a year (an
imported file, an older list in the browser), or of another tab shown in presentation mode."""

from atlas import playlist
from atlas.urlstate import PRESENTATION


def test_an_imported_view_without_a_year_is_kept_with_the_year_it_shows(data):
    newest = data.years("kinderarmut")[-1]
    views, messages = playlist.check_views(
        [{"name": "Ohne Jahr", "query": "indicator=kinderarmut&kreise=16052"}], data)
    assert messages == []
    assert views == [playlist.View("Ohne Jahr",
                                   f"indicator=kinderarmut&year={newest}&kreise=16052")]


def test_the_page_showing_a_view_without_a_year_is_at_that_view(data):
    newest = data.years("kinderarmut")[-1]
    # as an older list in the browser may hold it (not normalised on import)
    views = playlist.stored_views([
        {"name": "Grundsicherung", "query": "indicator=sgb2_quote"},
        {"name": "Kinderarmut", "query": "indicator=kinderarmut&kreise=16052"}])
    shown = f"indicator=kinderarmut&year={newest}&kreise=16052"
    assert playlist.position(views, shown, data) == 1
    assert playlist.position(views, shown + f"&modus={PRESENTATION}", data) == 1
    older = data.years("kinderarmut")[-2]
    assert playlist.position(views, f"indicator=kinderarmut&year={older}&kreise=16052",
                             data) is None


def test_a_view_of_another_tab_is_found_in_presentation_mode(data):
    newest = data.years("sgb2_quote")[-1]
    views = [playlist.View("Rangfolge", f"indicator=sgb2_quote&year={newest}&ansicht=ranking")]
    # presentation mode shows the map of the view; in normal mode the tab counts
    assert playlist.position(views, f"indicator=sgb2_quote&year={newest}&modus={PRESENTATION}",
                             data) == 0
    assert playlist.position(views, f"indicator=sgb2_quote&year={newest}", data) is None
    assert playlist.position(views, f"indicator=sgb2_quote&year={newest}&ansicht=ranking",
                             data) == 0
