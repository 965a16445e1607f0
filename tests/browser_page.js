// window.nbh: what tests/browser_support.py reads and does in JupyterLab's page. Installed in every page of the
// harness (BrowserContext.add_init_script), so it is there again after a reload, with nothing recorded.
// Selectors of JupyterLab 4 and ipywidgets 8, checked against JupyterLab 4.6 and jupyterlab-widgets 3.
window.nbh = (() => {
    const NOTEBOOK = '.jp-NotebookPanel:not(.lm-mod-hidden)';  // the notebook on show
    const {FIGURE, loaded, heard, shownAs} = window.nbhFigure;  // a panel's figure (figure_page.js, installed first)
    const all = (sel, root = document) => Array.from(root.querySelectorAll(sel));
    const notebook = () => window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = () => notebook()?.sessionContext?.session?.kernel;
    const cells = () => all(`${NOTEBOOK} .jp-Notebook .jp-Cell`);
    // a cell's number, counting every cell from 1, as a reader does
    const cellNumber = (el) => {
        const c = el.closest('.jp-Cell');
        return all(':scope > .jp-Cell', c.parentElement).indexOf(c) + 1;
    };
    // The widget outputs, in page order. ipywidgets' renderer is the output node itself: it holds the view (a child
    // with class jupyter-widgets), or reads "Loading widget..." / "Error displaying widget..." (then the node itself
    // gets class jupyter-widgets).
    const widgetOutputs = () => all(`${NOTEBOOK} .jp-OutputArea-output`).filter(o =>
        o.classList.contains('jupyter-widgets') || o.querySelector(':scope > .jupyter-widgets')
        || /^(Loading widget|Error displaying widget)/.test(o.textContent));
    const figure = (i) => widgetOutputs()[i]?.querySelector(FIGURE);
    const nextFrame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));

    // --- the kernel's messages, watched on iopub ------------------------------------------------------------------
    // Every message the kernel publishes reaches this hook, whichever shell or subshell handled the request
    // (JupyterLab 4.6 sends widget comm messages over a kernel subshell per comm target). A message whose parent is
    // an execute_request is a cell's own: the cell shows it, and check_outputs reads it there. Any other error, or
    // text on stderr (tracebacks, warnings, "No such comm"), belongs to no cell: it comes from a widget callback (a
    // comm_msg, on the main shell or a subshell), from a comm being opened or closed, or from the kernel itself (no
    // parent message). A learner never sees it: it is a complaint.
    const seen = {total: 0, noParent: 0, commMsg: 0, subshell: 0, subshells: {}};
    const complaints = [];  // {text, comm: the comm id of a "No such comm"}
    const refused = {};  // the comms the kernel refused (closed at once)
    const comms = {};  // comm id: who opened it, for which target, who closed it
    const pendingOf = {};  // kernel id: {msg id: [type, time]}, the shell requests whose "idle" has not come back
    let idleAt = performance.now();  // when the kernel last went idle with no request pending
    const pending = () => pendingOf[kernel()?.id] || {};
    const managerComm = (c) => /^a jupyter.widget.control comm the page opened/.test(comms[c] || '');

    function watch() {
        const k = kernel();
        idleAt = performance.now();
        // Every comm the page opens, on any kernel connection made from now on (the widget manager of a notebook
        // opened later opens its first comm before watch() can be called for that notebook's kernel).
        const proto = Object.getPrototypeOf(k);
        if (!proto.__nbhSend) {
            proto.__nbhSend = proto.sendShellMessage;
            proto.sendShellMessage = function (msg, ...rest) {
                if (msg.header.msg_type === 'comm_open')
                    comms[msg.content.comm_id] = `a ${msg.content.target_name} comm the page opened`;
                return proto.__nbhSend.call(this, msg, ...rest);
            };
        }
        if (k.__nbhWatched) return;
        k.__nbhWatched = true;
        const waiting = pendingOf[k.id] = {};
        const quiet = () => Object.keys(waiting).length === 0 && k.status === 'idle';
        const complain = (text) => complaints.push({text, comm: ((/No such comm: ([\w-]+)/.exec(text)) || [])[1]});
        k.statusChanged.connect((_, status) => {
            if (status === 'idle' && Object.keys(waiting).length === 0) idleAt = performance.now();
        });
        k.anyMessage.connect((_, {msg, direction}) => {
            if (direction !== 'send') return;
            if (msg.channel === 'shell' && msg.header?.msg_id) waiting[msg.header.msg_id] = [msg.header.msg_type];
            if (msg.header.msg_type === 'comm_close' && comms[msg.content.comm_id])
                comms[msg.content.comm_id] += ', closed by the page';
        });
        k.iopubMessage.connect((_, m) => {
            const ph = m.parent_header || {}, parent = ph.msg_type, subshell = ph.subshell_id;
            const type = m.header.msg_type, id = m.content.comm_id;
            seen.total++;
            if (!parent) seen.noParent++;
            if (parent === 'comm_msg') seen.commMsg++;
            if (subshell) { seen.subshell++; seen.subshells[subshell] = (seen.subshells[subshell] || 0) + 1; }
            if (type === 'status' && m.content.execution_state === 'idle' && ph.msg_id) {
                delete waiting[ph.msg_id];
                if (quiet()) idleAt = performance.now();
            }
            // The kernel closing a comm the page opened: it refused it (no such target). JupyterLab's widget manager
            // does this to every kernel it meets: it opens a comm to the target jupyter.widget.control to ask for
            // the widgets the kernel already has; a kernel that has not imported ipywidgets yet has no such target,
            // says so, closes the comm, and then says "No such comm" to the manager's request on it. A kernel that
            // has says "No such comm" too, at times, when the manager closes that comm at once (its open and its
            // close travel on different shells). No notebook can avoid either, and they say nothing about the
            // panels: complaintsSince() leaves out "No such comm" for refused comms and the manager's own comms.
            if (type === 'comm_close' && parent === 'comm_open') refused[id] = true;
            if (type === 'comm_open') comms[id] = `a ${m.content.target_name} comm the kernel opened (after a ${parent || 'nothing'})`;
            if (type === 'comm_close' && comms[id]) comms[id] += `, closed by the kernel (after a ${parent || 'nothing'})`;
            if (parent === 'execute_request') return;
            const where = !parent ? 'with no parent message'
                : `after a ${parent}${subshell ? ' on subshell ' + subshell.slice(0, 8) : ''}`;
            if (type === 'error') complain(`kernel error outside any cell (${where}): ${m.content.ename}: ${m.content.evalue}`);
            if (type === 'stream' && m.content.name === 'stderr') {
                if (/^No such comm target registered: jupyter\.widget\.control\s*$/.test(m.content.text)) return;
                const text = m.content.text.trim().replace(/\s*\n\s*/g, ' | ');
                const what = /No such comm/.test(text) ? 'kernel "No such comm" outside any cell'
                    : /\w*Warning\b:/.test(text) ? 'kernel warning outside any cell' : 'kernel stderr outside any cell';
                complain(`${what} (${where}): ${text.slice(0, 300)}`);
            }
        });
    }

    return {
        cellNumber, widgetOutputs, watch, seen,
        kernelReady: () => !!kernel(),
        // the kernel's status as the toolbar shows it, and how many requests it has not finished
        idleState: () => [document.querySelector(`${NOTEBOOK} .jp-Notebook-ExecutionIndicator`)
            ?.getAttribute('data-status') ?? null, Object.keys(pending()).length],
        pendingRequests: () => Object.values(pending()).map(([type]) => type),
        complaintCount: () => complaints.length,
        complaintsSince: (start) => complaints.slice(start)
            .filter(c => !(c.comm && (refused[c.comm] || managerComm(c.comm))))
            .map(c => c.comm ? `${c.text} (${comms[c.comm] || 'a comm the watch never saw opened'})` : c.text),
        ignoredComms: () => Object.keys(refused).concat(Object.keys(comms).filter(managerComm)),

        async command(cmd, args) { await window.jupyterapp.commands.execute(cmd, args || {}); },
        // [cell number, input prompt] of each code cell
        prompts: () => all(`${NOTEBOOK} .jp-CodeCell .jp-InputArea-prompt`).map(e => [cellNumber(e), e.textContent.trim()]),
        async runCell(n) {  // select cell n alone and run it, as Run > Run Selected Cell And Do not Advance does
            const nb = notebook().content;
            nb.activeCellIndex = n - 1;
            nb.deselectAll();
            await nb.scrollToItem(n - 1).catch(() => {});
            await window.jupyterapp.commands.execute('notebook:run-cell');
        },
        cellRan: (n) => /\[\d+\]:/.test(cells()[n - 1].querySelector('.jp-InputArea-prompt')?.textContent ?? ''),
        cellCount: () => cells().length,
        // Close the notebook tabs without saving, and any dialog an earlier step left open ("Save your work").
        closeAll() {
            all('.jp-Dialog').forEach(d => all('button', d).find(b => /Discard|Cancel/.test(b.textContent))?.click());
            for (const w of Array.from(window.jupyterapp.shell.widgets('main')))
                if (w.context) { w.context.model.dirty = false; w.close(); }
        },
        // Close the notebook's tab as a learner does, leaving its kernel running; it was saved: a change since comes
        // from the page showing it again (the widgets restored), not from the learner: no "Save your work?".
        closeTab() { const w = notebook(); w.context.model.dirty = false; w.close(); },
        saved: () => !notebook().context.model.dirty,

        // Each widget output: its cell, how many sliders, η sliders, figures and loaded figures it shows.
        panels: () => widgetOutputs().map((out, index) => {
            const img = all(FIGURE, out);
            return {index, cell: cellNumber(out), sliders: all('.widget-slider', out).length,
                    eta: all('.eta-slider', out).length, images: img.length, loaded: img.filter(loaded).length,
                    text: out.textContent.slice(0, 200)};
        }),
        rendered: () => widgetOutputs().every(o => !/^Loading widget/.test(o.textContent) && all(FIGURE, o).every(loaded)),
        figureSrc: (i) => shownAs(figure(i)),
        // whether panel i's figure hears from the kernel (figure_page.js), and what its canvas says (data-kernel)
        figureHeard: (i) => { const m = figure(i); return !!m && heard(m); },
        figureKernel: (i) => figure(i)?.dataset.kernel ?? null,
        // Scroll panel i's slider (the first matching sel) into view, focus its handle, read it.
        slider(i, sel) {
            const h = widgetOutputs()[i].querySelector(sel), box = h.closest('.widget-slider');
            h.scrollIntoView({block: 'center'});
            h.focus();
            return {now: +h.getAttribute('aria-valuenow'), max: +h.getAttribute('aria-valuemax'),
                    min: +h.getAttribute('aria-valuemin'), focused: document.activeElement === h,
                    name: box.querySelector('.widget-label')?.textContent.trim() ?? '?',
                    readout: box.querySelector('.widget-readout')?.textContent.trim() ?? null};
        },
        // After a key press on panel i's slider: 'changed' once the figure's src changed and the new PNG loaded;
        // 'settled' once the kernel went idle after the press and settleMs passed without a new figure.
        afterKey(i, before, pressedAt, settleMs) {
            const m = figure(i);
            if (m && shownAs(m) !== before && loaded(m)) return 'changed';
            return idleAt > pressedAt && performance.now() - idleAt > settleMs ? 'settled' : false;
        },
        // [cell, text] of every error and stderr output (JupyterLab shows both with this MIME type)
        errorOutputs: () => all(`${NOTEBOOK} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]`)
            .map(o => [cellNumber(o), o.textContent]),
        // [cell, number of static figures (image/png outputs, not the panels' figures)] of each cell
        staticFigures: () => cells().map((c, i) => [i + 1,
            all('.jp-OutputArea-output[data-mime-type="image/png"]', c).length]),
        // What cell n's output shows without its kernel: its text, in how many lines, whether it is a live panel.
        async outputText(n) {
            const c = cells()[n - 1];
            c.scrollIntoView({block: 'center'});
            await nextFrame();
            const outs = all('.jp-OutputArea-output', c);
            return {text: outs.map(o => o.textContent.trim()).join(' ').trim(),
                    lines: outs.map(o => o.innerText || o.textContent).join('\n').split('\n').filter(l => l.trim()).length,
                    live: outs.some(o => o.querySelector('.widget-slider'))};
        },

        // Tag (data-nbh) the controls of the panel in cell n: the "random init" button and its seed box (a text or
        // number input in the same row as the button, whatever widget it is), the "notes' init" button, every slider
        // handle, checkbox, dropdown, toggle button; return their selectors.
        controls(n) {
            const out = cells()[n - 1].querySelector('.jp-OutputArea');
            let k = 0;
            const tag = (el, kind) => { const id = `${kind}-${n}-${k++}`; el.setAttribute('data-nbh', id);
                                        return `[data-nbh="${id}"]`; };
            const button = (re) => all('button', out).find(b => re.test(b.textContent));
            const random = button(/^\s*random init/), notes = button(/^\s*notes/);
            const row = random && (random.closest('.widget-hbox') || random.parentElement);
            const seed = row && row.querySelector('input[type="text"], input[type="number"], input:not([type])');
            return {
                random: random ? tag(random, 'random') : null,
                notes: notes ? tag(notes, 'notes') : null,
                seed: seed ? tag(seed, 'seed') : null,
                handles: all('.widget-slider .noUi-handle', out).map(e => tag(e, 'handle')),
                // what a student can operate: a disabled control (the playground's column choices before an
                // upload) takes no input
                checkboxes: all('input[type="checkbox"]', out).filter(e => !e.disabled).map(e => tag(e, 'checkbox')),
                selects: all('select', out).filter(e => !e.disabled)
                    .map(e => [tag(e, 'select'), Array.from(e.options).map(o => o.value)]),
                toggles: all('.widget-toggle-buttons button', out).map(e => tag(e, 'toggle')),
            };
        },
        // What the box around the seed box says in words (where a message about the seed would be): the text of the
        // container of the seed box's row, without slider readouts, inputs and figures. Not the whole panel: its own
        // text (the derivative table) changes with the parameters.
        seedAreaText(sel) {
            const seed = document.querySelector(sel), row = seed.closest('.widget-hbox') || seed.parentElement;
            const area = (row.parentElement || row).cloneNode(true);
            area.querySelectorAll('.widget-readout, img, canvas, input, select').forEach(e => e.remove());
            return area.textContent.replace(/\s+/g, ' ').trim();
        },
        // The parameters as the panel in cell n shows them (every slider readout) and a digest of its figure (the
        // canvas' pixels, or the img's PNG).
        async reading(n) {
            const out = cells()[n - 1].querySelector('.jp-OutputArea'), img = out.querySelector(FIGURE);
            let digest = null;
            if (img && shownAs(img)) {
                const bytes = img.tagName === 'CANVAS'
                    ? img.getContext('2d').getImageData(0, 0, img.width, img.height).data.buffer
                    : await (await fetch(img.src)).arrayBuffer();
                digest = crypto.subtle ? Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)))
                    .slice(0, 8).map(b => b.toString(16).padStart(2, '0')).join('') : `${bytes.byteLength} bytes`;
            }
            return {readouts: all('.widget-readout', out).map(r => r.textContent.trim()), figure: digest};
        },
    };
})();
