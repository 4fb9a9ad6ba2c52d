"""Charter on a phone's screen: the size the browser tests use, and the check every page passes."""

PHONE = {"width": 390, "height": 844}


def fits_the_phone(page, name: str, shots) -> None:
    """No sideways scroll: the page is no wider than the phone. Kept as a screenshot."""
    page.wait_for_load_state("networkidle")
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"phone-{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px phone"
