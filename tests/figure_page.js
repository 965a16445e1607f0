// window.nbhFigure: what a panel's figure is, when it shows a picture, and its pixels, for the checks of the browser
// tests in JupyterLab (browser_page.js, browser_support.check_pictures), in Voilà (test_voila.py) and on a bare page
// (test_canvas_view.py). Installed in every page of both before anything else
// (BrowserContext.add_init_script), so that both read the page through the same three definitions.
window.nbhFigure = (() => {
    // a panel's figure: the live canvas of nbhelpers' panels, or a PNG in an img (the sabotage notebook's fakes)
    const FIGURE = 'canvas.panel-figure, img.panel-figure';
    // a figure is loaded: a PNG decoded, or a canvas that shows a picture (and met no error drawing it)
    const loaded = (el) => el.tagName === 'CANVAS' ? el.dataset.drawn !== undefined && el.dataset.error === undefined
        : el.complete && el.naturalWidth > 0 && !!el.getAttribute('src');
    // the figure hears from the kernel: a canvas whose view got the kernel's answer (canvas_view.js, data-kernel), or a
    // PNG in an img (no such question)
    const heard = (el) => el.tagName !== 'CANVAS' || el.dataset.kernel === 'answered';
    // what changes with every new picture: an img's src (a new blob URL), the number of the canvas' picture
    const shownAs = (el) => !el ? null : el.tagName === 'CANVAS'
        ? (el.dataset.drawn === undefined ? null : `picture ${el.dataset.drawn}`) : el.getAttribute('src');
    // a canvas' pixels, RGBA row by row, as base64 (read back in Python by browser_support.canvas_rgba)
    const rgba64 = (canvas) => {
        const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let s = '';
        for (let i = 0; i < d.length; i += 8192) s += String.fromCharCode.apply(null, d.subarray(i, i + 8192));
        return btoa(s);
    };
    return {FIGURE, loaded, heard, shownAs, rgba64};
})();
