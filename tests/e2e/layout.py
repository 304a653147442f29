"""What a page's layout must not do at any size, as checks the crawls run on every page they
open (test_crawl.py, test_signed_in_crawl.py). Each returns lines naming what is wrong."""

from __future__ import annotations

# Boxes that scroll sideways inside the page but cannot be reached by keyboard, or are not
# named: a keyboard user could not read a wide table's hidden columns or a policy's long lines,
# and a screen reader would announce a nameless stop. (The policy editor is a textbox; the
# phone's menu is links, each a keyboard stop that scrolls into view.)
UNREACHABLE_SCROLLERS = """() => [...document.querySelectorAll('body *')].filter(el => {
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX)) return false;
    if (el.scrollWidth <= el.clientWidth + 1 || !el.getClientRects().length) return false;
    if (el.closest('.cm-editor')) return false;
    const reachable = el.getAttribute('tabindex') === '0';
    const named = el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby');
    if (el.tagName === 'NAV' && named) return false;  // a menu: each link is a keyboard stop
    return !(reachable && named);
}).map(el => el.tagName.toLowerCase() + (el.className ? '.' + [...el.classList].join('.') : '')
    + ` (${el.scrollWidth} px in ${el.clientWidth} px)`)"""

# The reverse: a box that does not scroll sideways (every lesson table on a desktop, a diagram
# drawn narrow for a phone, a short code block) is no keyboard stop and is not called "scrolls
# sideways" (static/js/scroll-boxes.js): a keyboard user would Tab through a stop that does
# nothing, and a screen reader would promise a scroll there is not. Only boxes that could scroll
# (overflow auto or scroll) count as stops.
IDLE_SCROLLERS = """() => [...document.querySelectorAll('body *')].filter(el => {
    if (!el.getClientRects().length || el.scrollWidth > el.clientWidth) return false;
    if (el.closest('.cm-editor')) return false;
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    const stop = scrolls && el.getAttribute('tabindex') === '0';
    const said = /scrolls sideways/.test(el.getAttribute('aria-label') || '');
    return stop || said;
}).map(el => el.tagName.toLowerCase() + (el.className ? '.' + [...el.classList].join('.') : '')
    + ` "${el.getAttribute('aria-label') || ''}"`
    + (el.getAttribute('tabindex') === '0' ? ', a keyboard stop,' : '')
    + ` (${el.scrollWidth} px in ${el.clientWidth} px)`)"""

# Every drawn SVG's text (the statistics' bar charts, the WAF lab's counter, the network lab's
# trace, the course's diagrams), as drawn: its font size times the scale its SVG is drawn at. A
# drawing scaled down to a phone's width shrank its labels to 7 px; 11 px is about the least a
# person reads without zooming. Text drawn past the SVG's edge is cut off, so that is named too.
SMALL_SVG_TEXT = """() => [...document.querySelectorAll('svg')]
  .filter(svg => svg.querySelector('text') && svg.getClientRects().length).flatMap(svg => {
    const box = svg.viewBox.baseVal;
    return [...svg.querySelectorAll('text')].flatMap(t => {
        const px = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
        const b = t.getBBox();
        const said = `svg.${[...svg.classList].join('.')} "${t.textContent.trim()}"`;
        return [
            ...(px < 11 ? [`${said} is drawn at ${px.toFixed(1)} px`] : []),
            ...(b.x < box.x - 1 || b.x + b.width > box.x + box.width + 1
                ? [`${said} runs past the drawing's edge`] : []),
        ];
    });
})"""

# Inside a scrolling box a table may be as wide as it needs: a select there must show its
# longest option (not be squeezed to the cell), and the network lab's addresses stay on one
# line. (A style set from script is allowed by the CSP; it is removed at once.)
SQUEEZED = """() => [
    ...[...document.querySelectorAll('.table-scroll select')].filter(s => s.getClientRects().length)
      .flatMap(s => {
        const drawn = s.getBoundingClientRect().width;
        s.style.width = 'max-content';
        const needed = s.getBoundingClientRect().width;
        s.style.width = '';
        return drawn + 1 < needed
            ? [`select#${s.id} is ${Math.round(drawn)} px wide, its options ${Math.round(needed)} px`]
            : [];
    }),
    ...[...document.querySelectorAll('.netlab-table code')]
      .filter(c => c.getClientRects().length > 1)
      .map(c => `"${c.textContent}" breaks across lines`),
]"""


# A compact button (a row's move buttons, the bank's Add) drawn with the full button's padding
# (1.1rem a side; compact is .65rem): `button.button` outweighed `.button-compact` on <button>s.
FULL_SIZE_COMPACT = """() => [...document.querySelectorAll('.button-compact')]
  .filter(b => b.getClientRects().length)
  .filter(b => parseFloat(getComputedStyle(b).paddingLeft)
      > parseFloat(getComputedStyle(document.documentElement).fontSize) * .8)
  .map(b => `compact button "${b.textContent.trim()}" is drawn full-size`)"""


# A secondary button drawn filled, as the page's main action is, or a danger one not in red:
# `button.button` outweighed `.button-secondary` and `.button-danger` on <button>s, so Cancel at
# the sign-in code step looked like Sign in. (Compared with a plain button made for the check.)
DRAWN_AS_MAIN = """() => {
    const plain = document.createElement('button');
    plain.className = 'button';
    document.body.append(plain);
    const fill = getComputedStyle(plain).backgroundColor;
    plain.remove();
    return [...document.querySelectorAll('.button-secondary, .button-danger')]
      .filter(b => b.getClientRects().length && !b.matches(':hover'))
      .filter(b => b.classList.contains('button-danger')
          ? getComputedStyle(b).backgroundColor === fill
          : getComputedStyle(b).backgroundColor !== 'rgba(0, 0, 0, 0)')
      .map(b => `${b.classList.contains('button-danger') ? 'danger' : 'secondary'} button `
          + `"${b.textContent.trim()}" is drawn as the main action`);
}"""


# A list laid out as a row (display flex or grid) keeps its items' bullets unless told not to,
# and Chromium draws each one just before its item: over the end of the item before it (the
# sandbox's tool tabs read "One reques•t Many request•s").
ROW_BULLETS = """() => [...document.querySelectorAll('ul > li, ol > li')]
  .filter(li => li.getClientRects().length)
  .filter(li => ['flex', 'inline-flex', 'grid', 'inline-grid']
      .includes(getComputedStyle(li.parentElement).display))
  .filter(li => getComputedStyle(li).display === 'list-item'
      && getComputedStyle(li).listStyleType !== 'none'
      && getComputedStyle(li, '::marker').content !== 'none')
  .map(li => `a bullet drawn over a row of items: "${li.textContent.trim().slice(0, 40)}"`)"""


# Headings a screen reader lists: one h1, and never a level skipped going down (an h2 then an
# h4), which reads as if a part were missing. axe calls a skip "moderate" and a missing h1 a
# best practice, so its serious-only check let the quiz's "Your answer" h4s under each h2 by.
HEADING_OUTLINE = """() => {
    const shown = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
      .filter(h => !h.closest('[hidden], [aria-hidden="true"], template'));
    const found = [];
    const h1s = shown.filter(h => h.tagName === 'H1').length;
    if (h1s !== 1) found.push(`${h1s} h1 headings`);
    shown.forEach((h, i) => {
        const level = +h.tagName[1], before = i ? +shown[i - 1].tagName[1] : 1;
        if (level > before + 1) {
            found.push(`h${before} then h${level} "${h.textContent.trim().slice(0, 40)}"`);
        }
    });
    return found.map(said => `heading outline: ${said}`);
}"""


# A field a person must find to type in (text, select, the policy editor) stands out from what is
# around it at 3:1 (WCAG 1.4.11), by its edge or by its fill: the light palette's grey edge,
# #9aa3ae, was 2.5:1 on the white card and the page, on every form.
FAINT_FIELDS = """() => {
  const rgb = c => { const m = c.match(/[\\d.]+/g) || ['0','0','0','0']; return m.map(Number); };
  const lum = ([r, g, b]) => [r, g, b].map(c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
      .reduce((s, c, i) => s + c * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const opaque = c => { const v = rgb(c); return v.length < 4 || v[3] >= 0.99; };
  const behind = el => { for (let e = el.parentElement; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor; if (opaque(c)) return rgb(c); } return rgb(getComputedStyle(document.documentElement).backgroundColor || 'rgb(255,255,255)'); };
  const fields = [...document.querySelectorAll('input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=submit]):not([type=button]):not([type=file]), select, textarea, .cm-editor')]
    .filter(el => !el.disabled && el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden');
  return fields.flatMap(el => {
    const s = getComputedStyle(el);
    const out = behind(el);
    const edge = parseFloat(s.borderTopWidth) ? ratio(rgb(s.borderTopColor), out) : 1;
    const fill = opaque(s.backgroundColor) ? ratio(rgb(s.backgroundColor), out) : 1;
    const best = Math.max(edge, fill);
    return best < 3 ? [`${el.tagName.toLowerCase()}#${el.id || el.name || el.className} edge ${edge.toFixed(2)} (${s.borderTopColor}), fill ${fill.toFixed(2)}`] : [];
  });
}"""


def layout_problems(page) -> list[str]:
    """Every problem the checks above find in the page as it is now."""
    return [
        *[
            f"scrolls sideways without a keyboard stop and a name: {box}"
            for box in page.evaluate(UNREACHABLE_SCROLLERS)
        ],
        *[
            f"a keyboard stop or said to scroll sideways, but does not: {box}"
            for box in page.evaluate(IDLE_SCROLLERS)
        ],
        *page.evaluate(SMALL_SVG_TEXT),
        *page.evaluate(SQUEEZED),
        *page.evaluate(FULL_SIZE_COMPACT),
        *page.evaluate(DRAWN_AS_MAIN),
        *page.evaluate(ROW_BULLETS),
        *dict.fromkeys(page.evaluate(HEADING_OUTLINE)),
        *[f"a field's edge and fill are faint: {field}" for field in page.evaluate(FAINT_FIELDS)],
    ]
