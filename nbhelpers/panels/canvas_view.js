// The live view of a panel's figure (nbhelpers/panels/base.py, FigureView): an HTML canvas that shows the frames'
// picture (a PNG the kernel sends only when the axes, ticks or labels change) and draws the data over it from the
// commands the kernel recorded while matplotlib drew them (nbhelpers/panels/scene.py describes the format).
// The canvas' data-received attribute holds the number of the last picture the kernel sent, and data-drawn, once it
// is on the canvas, the number of the picture it shows (tests and benchmarks watch them). Where the model's
// report_drawn is set, the view also tells the kernel the number of each picture it has drawn ({drawn: version}):
// the kernel then knows the learner is looking at it, and can prepare the next (the playground's Step).
// The view keeps the last FRAMES_KEPT frames' pictures it has decoded, by their number (a number always stands for the
// same pixels: nbhelpers/panels/render.py), and decodes the frames of pictures the kernel has drawn ahead when it
// sends them ({frame_ahead: number} and the PNG), so that the move that shows such a picture finds them decoded.
// data-frames-decoded counts the PNGs decoded, data-frames-kept the frames found among those kept.
//
// Whether the kernel's messages reach the view: anywidget gives a model 2 s from its creation on the page to load
// this module, and drops every message the kernel sends a model that missed it; the view still renders, so a panel
// built while the page was busy for longer (Voilà, a JupyterLab tab reloaded with its kernel running) shows its first
// picture and never another. So the view says {hello} when it starts; without an answer within ANSWER_WAIT ms it
// says {stale}, and the kernel puts a fresh view in its place (nbhelpers/panels/base.py, replace_canvas), or answers
// where its answer was only late (a busy kernel). The canvas' data-kernel attribute reads "asking" until an answer
// comes, then "answered"; "silent" after ASKS_MOST questions without one (no kernel: a saved notebook, a static page).

function rgba(c) {
  return `rgba(${Math.round(c[0] * 255)},${Math.round(c[1] * 255)},${Math.round(c[2] * 255)},${c[3]})`;
}

// The scene: {ops, floats, bytes} from the packed bytes (a DataView, as the widget's model holds binary values).
export function parseScene(view) {
  if (!view || view.byteLength < 8) return { ops: [], floats: new Float32Array(0), bytes: new Uint8Array(0) };
  const headLength = view.getUint32(0, true), count = view.getUint32(4, true);
  const start = view.byteOffset + 8;
  const ops = JSON.parse(new TextDecoder().decode(new Uint8Array(view.buffer, start, headLength)));
  const at = start + headLength;
  const floats = at % 4 === 0
    ? new Float32Array(view.buffer, at, count)
    : new Float32Array(view.buffer.slice(at, at + 4 * count));
  const rest = view.byteLength - 8 - headLength - 4 * count;
  const bytes = new Uint8Array(view.buffer, at + 4 * count, rest);
  return { ops, floats, bytes };
}

// A matplotlib path (vertices and codes, in canvas pixels) as a Path2D, shifted by (dx, dy).
function path2d(scene, ref, dx = 0, dy = 0) {
  const v = scene.floats.subarray(ref.v[0], ref.v[0] + ref.v[1]);
  const c = scene.floats.subarray(ref.c[0], ref.c[0] + ref.c[1]);
  const p = new Path2D();
  for (let i = 0; i < c.length;) {
    const code = c[i], x = v[2 * i] + dx, y = v[2 * i + 1] + dy;
    if (code === 1) { p.moveTo(x, y); i += 1; }
    else if (code === 2) { p.lineTo(x, y); i += 1; }
    else if (code === 3) { p.quadraticCurveTo(x, y, v[2 * i + 2] + dx, v[2 * i + 3] + dy); i += 2; }
    else if (code === 4) {
      p.bezierCurveTo(x, y, v[2 * i + 2] + dx, v[2 * i + 3] + dy, v[2 * i + 4] + dx, v[2 * i + 5] + dy);
      i += 3;
    }
    else if (code === 79) { p.closePath(); i += 1; }
    else break; // STOP
  }
  return p;
}

function clip(ctx, scene, op) {
  if (op.cr) {
    ctx.beginPath();
    ctx.rect(op.cr[0], op.cr[1], op.cr[2], op.cr[3]);
    ctx.clip();
  }
  if (op.cp) ctx.clip(path2d(scene, op.cp));
}

function style(ctx, op) {
  if (op.f) ctx.fillStyle = rgba(op.f);
  if (op.s) {
    ctx.strokeStyle = rgba(op.s);
    ctx.lineWidth = op.w;
    ctx.lineCap = op.cap;
    ctx.lineJoin = op.join;
    ctx.setLineDash(op.d ? op.d.slice(1) : []);
    ctx.lineDashOffset = op.d ? op.d[0] : 0;
  }
}

function paintOp(ctx, scene, op, images) {
  ctx.save();
  clip(ctx, scene, op);
  style(ctx, op);
  if (op.t === "p") {
    const p = path2d(scene, op);
    if (op.f) ctx.fill(p);
    if (op.s) ctx.stroke(p);
  } else if (op.t === "m") {
    const o = scene.floats.subarray(op.o[0], op.o[0] + op.o[1]);
    const marker = path2d(scene, op);
    for (let k = 0; k < o.length; k += 2) {
      ctx.setTransform(1, 0, 0, 1, o[k], o[k + 1]);
      if (op.f) ctx.fill(marker);
      if (op.s) ctx.stroke(marker);
    }
  } else if (op.t === "i") {
    const image = images.get(op);
    if (op.a !== undefined) ctx.globalAlpha = op.a;
    ctx.imageSmoothingEnabled = false;
    if (op.m) {
      ctx.setTransform(op.m[0], op.m[1], op.m[2], op.m[3], op.m[4], op.m[5]);
      ctx.drawImage(image, 0, 0, op.iw, op.ih);
    } else {
      ctx.drawImage(image, op.x, op.y);
    }
  }
  ctx.restore();
}

// An image's RGBA pixels: its bytes, or (with a palette "pal") each byte's colour.
function imagePixels(scene, op) {
  const bytes = new Uint8Array(scene.bytes.buffer, scene.bytes.byteOffset + op.b[0], op.b[1]);
  if (!op.pal) return new Uint8ClampedArray(bytes);
  const rgba = new Uint8ClampedArray(4 * bytes.length);
  for (let k = 0, j = 0; k < bytes.length; k++, j += 4) {
    const c = op.pal[bytes[k]];
    rgba[j] = c[0];
    rgba[j + 1] = c[1];
    rgba[j + 2] = c[2];
    rgba[j + 3] = c[3];
  }
  return rgba;
}

// The images of a scene as ImageBitmaps, keyed by their command (made before painting: painting is synchronous).
async function sceneImages(scene) {
  const images = new Map();
  for (const op of scene.ops) {
    if (op.t !== "i") continue;
    const pixels = new ImageData(imagePixels(scene, op), op.iw, op.ih);
    images.set(op, await createImageBitmap(pixels, { premultiplyAlpha: "none" }));
  }
  return images;
}

// Draw the frames' picture and the scene on the canvas, all at once.
export async function paint(canvas, frame, sceneBytes) {
  const scene = parseScene(sceneBytes);
  const images = await sceneImages(scene);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (frame) ctx.drawImage(frame, 0, 0);
  for (const op of scene.ops) paintOp(ctx, scene, op, images);
}

export async function decodeFrame(view) {
  if (!view || view.byteLength === 0) return null;
  const bytes = ArrayBuffer.isView(view)
    ? new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
    : new Uint8Array(view);
  return await createImageBitmap(new Blob([bytes], { type: "image/png" }));
}

export const FRAMES_KEPT = 8; // as nbhelpers/panels/base.py's FRAMES_ON_PAGE

// The frames' pictures decoded (or being decoded), by number: promises of ImageBitmaps, the least recently used
// dropped first. A decode that fails is forgotten (the model's PNG is decoded when the picture comes).
export class FrameKeeper {
  constructor(size = FRAMES_KEPT) {
    this.size = size;
    this.frames = new Map();
  }
  get(number) {
    const frame = this.frames.get(number);
    if (frame !== undefined) {
      this.frames.delete(number);
      this.frames.set(number, frame);
    }
    return frame;
  }
  decode(number, bytes) {
    const frame = decodeFrame(bytes);
    this.frames.delete(number);
    this.frames.set(number, frame);
    frame.catch(() => { if (this.frames.get(number) === frame) this.frames.delete(number); });
    while (this.frames.size > this.size) this.frames.delete(this.frames.keys().next().value);
    return frame;
  }
}

export const ANSWER_WAIT = 3000; // ms
export const ASKS_MOST = 10;

// Ask the kernel ({hello}, then {stale} every ANSWER_WAIT ms) until heard() is called; returns heard and stop.
export function askKernel(model, canvas) {
  let asked = 0, timer = null;
  function ask() {
    if (asked >= ASKS_MOST) { canvas.dataset.kernel = "silent"; return; }
    try {
      model.send(asked === 0 ? { hello: 1 } : { stale: asked });
    } catch (error) { // no kernel to send to
      canvas.dataset.kernel = "silent";
      return;
    }
    asked += 1;
    timer = setTimeout(ask, ANSWER_WAIT);
  }
  const stop = () => clearTimeout(timer);
  canvas.dataset.kernel = "asking";
  ask();
  return { heard: () => { stop(); canvas.dataset.kernel = "answered"; }, stop };
}

function render({ model, el }) {
  const canvas = document.createElement("canvas");
  canvas.classList.add("panel-figure");
  canvas.style.width = "100%";
  canvas.style.maxWidth = "1100px";
  canvas.style.display = "block";
  el.appendChild(canvas);
  let frame = null, frameVersion = -1, busy = false, again = false;
  const kept = new FrameKeeper();
  const count = (name) => { canvas.dataset[name] = String(Number(canvas.dataset[name] || 0) + 1); };
  canvas.dataset.framesDecoded = "0";
  canvas.dataset.framesKept = "0";

  // Paint the model's latest state; a change that arrives while painting is painted right after.
  async function update() {
    canvas.dataset.received = String(model.get("version"));
    if (busy) { again = true; return; }
    busy = true;
    try {
      do {
        again = false;
        const version = model.get("version"), scene = model.get("scene");
        const wanted = model.get("frame_version"), frameBytes = model.get("frame");
        const width = model.get("width"), height = model.get("height");
        if (wanted !== frameVersion) {
          const decoded = kept.get(wanted);
          frame = decoded === undefined ? null : await decoded.catch(() => null);
          if (frame) {
            count("framesKept");
          } else {
            frame = await kept.decode(wanted, frameBytes);
            count("framesDecoded");
          }
          frameVersion = wanted;
        }
        if (canvas.width !== width) canvas.width = width;
        if (canvas.height !== height) canvas.height = height;
        await paint(canvas, frame, scene);
        canvas.dataset.drawn = String(version);
      } while (again);
      if (model.get("report_drawn")) model.send({ drawn: Number(canvas.dataset.drawn) });
    } catch (error) {
      canvas.dataset.error = String(error);
      console.error("panel figure:", error);
    } finally {
      busy = false;
    }
  }
  const kernel = askKernel(model, canvas);
  // the kernel's messages: the answer to {hello}; the frames of a picture it has drawn ahead, decoded now, while the
  // learner looks at this one
  function custom(message, buffers) {
    if (message && message.hello !== undefined) { kernel.heard(); return; }
    const number = message && message.frame_ahead;
    if (typeof number !== "number" || !buffers || !buffers.length || kept.get(number) !== undefined) return;
    kept.decode(number, buffers[0]).catch((error) => console.error("panel figure, frames sent ahead:", error));
    count("framesDecoded");
  }
  model.on("change:version", update);
  model.on("msg:custom", custom);
  update();
  return () => {
    kernel.stop();
    model.off("change:version", update);
    model.off("msg:custom", custom);
  };
}

export default { render };
