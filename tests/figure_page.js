// window.nbhFigure: what a panel's figure is and when it shows a picture, for the checks of the browser tests in
// JupyterLab (browser_page.js) and in Voilà (test_voila.py). Installed in every page of both before anything else
// (BrowserContext.add_init_script), so that both read the page through the same three definitions.
window.nbhFigure = (() => {
    // a panel's figure: the live canvas of nbhelpers' panels, or a PNG in an img (the sabotage notebook's fakes)
    const FIGURE = 'canvas.panel-figure, img.panel-figure';
    // a figure is loaded: a PNG decoded, or a canvas that shows a picture (and met no error drawing it)
    const loaded = (el) => el.tagName === 'CANVAS' ? el.dataset.drawn !== undefined && el.dataset.error === undefined
        : el.complete && el.naturalWidth > 0 && !!el.getAttribute('src');
    // what changes with every new picture: an img's src (a new blob URL), the number of the canvas' picture
    const shownAs = (el) => !el ? null : el.tagName === 'CANVAS'
        ? (el.dataset.drawn === undefined ? null : `picture ${el.dataset.drawn}`) : el.getAttribute('src');
    return {FIGURE, loaded, shownAs};
})();
