// A drawing (raw strokes) as a small picture of its own box, for lists of drawings (the game's summary,
// an own category's examples).
export function thumbnail(drawing) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 160;
  const c = canvas.getContext("2d");
  c.fillStyle = "#fff";
  c.fillRect(0, 0, 160, 160);
  const xs = drawing.flatMap((s) => s[0]);
  const ys = drawing.flatMap((s) => s[1]);
  if (xs.length) {
    const [x0, y0] = [Math.min(...xs), Math.min(...ys)];
    const extent = Math.max(Math.max(...xs) - x0, Math.max(...ys) - y0, 1);
    const scale = 140 / extent;
    const offX = 10 + (140 - (Math.max(...xs) - x0) * scale) / 2;
    const offY = 10 + (140 - (Math.max(...ys) - y0) * scale) / 2;
    c.strokeStyle = "#1b1b1f";
    c.lineWidth = 2.5;
    c.lineCap = c.lineJoin = "round";
    for (const [sx, sy] of drawing) {
      c.beginPath();
      c.moveTo(offX + (sx[0] - x0) * scale, offY + (sy[0] - y0) * scale);
      for (let i = 1; i < sx.length; i++) c.lineTo(offX + (sx[i] - x0) * scale, offY + (sy[i] - y0) * scale);
      if (sx.length === 1) c.lineTo(offX + (sx[0] - x0) * scale + 0.1, offY + (sy[0] - y0) * scale);
      c.stroke();
    }
  }
  return canvas;
}
