"""Drawing real strokes on a page's canvas, as a person would: a mouse through Playwright, a finger through
CDP touch events."""

# Longer than the pause after which Chromium takes a finger to have stopped (40 ms), so a lift flings nothing.
FINGER_HELD_MS = 150


def screen_strokes(page, drawing, canvas="#pad"):
    """The drawing's strokes scaled into the canvas, in page coordinates (scrolled into view first)."""
    page.locator(canvas).scroll_into_view_if_needed()
    box = page.locator(canvas).bounding_box()
    xs = [x for s in drawing for x in s[0]]
    ys = [y for s in drawing for y in s[1]]
    extent = max(max(xs) - min(xs), max(ys) - min(ys)) or 1
    scale = box["width"] * 0.8 / extent
    return [
        [(box["x"] + 20 + (x - min(xs)) * scale, box["y"] + 20 + (y - min(ys)) * scale) for x, y in zip(s[0], s[1])]
        for s in drawing
    ]


def draw_with_mouse(page, drawing, stop=lambda: False, canvas="#pad"):
    """Each stroke with the mouse; `stop()`, asked after each stroke, ends the drawing early."""
    for stroke in screen_strokes(page, drawing, canvas):
        page.mouse.move(*stroke[0])
        page.mouse.down()
        for point in stroke[1:]:
            page.mouse.move(*point)
        page.mouse.up()
        if stop():
            return


def draw_with_touch(page, drawing, stop=lambda: False):
    """Each stroke with a finger (CDP touch events), held still for a moment before it lifts: a finger that
    lifts while moving starts a fling, and Chromium takes the next tap as stopping the fling, not as a click.
    `stop()`, asked after each stroke, ends the drawing early."""
    cdp = page.context.new_cdp_session(page)
    for stroke in screen_strokes(page, drawing):
        for i, (x, y) in enumerate(stroke):
            kind = "touchStart" if i == 0 else "touchMove"
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]})
        page.wait_for_timeout(FINGER_HELD_MS)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        if stop():
            break
