// Incremental inference for Inkling's causal Conv1D + LSTM model, with TF.js ops.
//
// The model is causal: the output at point t depends on points 0..t only. So the classifier keeps the
// state after every point it has seen, and when the drawing changes it resumes from the longest
// unchanged prefix: while a person draws, a new point costs one step of each layer instead of a pass
// over the whole drawing. The result is exactly what the layers model computes (tests check this).
//
// Works in the browser and in node: pass the `tf` namespace and a loaded tf.LayersModel.

export class IncrementalClassifier {
  constructor(tf, model) {
    this.tf = tf;
    this.convs = [];
    this.lstms = [];
    this.dense = null;
    let causalPadding = 0; // zeros put in front by the ZeroPadding2D before a "valid" Conv1D
    for (const layer of model.layers) {
      const kind = layer.getClassName();
      const config = layer.getConfig();
      const weights = layer.getWeights();
      if (kind === "ZeroPadding2D") {
        causalPadding = config.padding[0][0];
      } else if (kind === "Conv1D") {
        const size = weights[0].shape[0];
        if (config.padding !== "valid" || causalPadding !== size - 1 || config.activation !== "relu") {
          throw new Error(`unsupported Conv1D ${layer.name}: needs ${size - 1} zeros in front, valid, relu`);
        }
        causalPadding = 0;
        this.convs.push({ kernel: weights[0], bias: weights[1], size });
      } else if (kind === "LSTM") {
        if (config.activation !== "tanh" || config.recurrentActivation !== "sigmoid") {
          throw new Error(`unsupported LSTM ${layer.name}: needs tanh and sigmoid activations`);
        }
        this.lstms.push({ kernel: weights[0], recurrent: weights[1], bias: weights[2], units: config.units });
      } else if (kind === "Dense") {
        this.dense = { kernel: weights[0], bias: weights[1] };
      } else if (!["InputLayer", "Dropout", "Reshape"].includes(kind)) {
        throw new Error(`unsupported layer ${kind}`);
      }
    }
    this.reset();
  }

  reset() {
    this.disposeState();
    this.rows = new Float32Array(0); // the normalised rows the state stands for
    this.convInputs = this.convs.map(() => null); // per conv layer, its input sequence (T, channels)
    this.h = this.lstms.map(() => []); // per LSTM layer, per point, (1, units)
    this.c = this.lstms.map(() => []);
  }

  get length() {
    return this.rows.length / 3;
  }

  // Probabilities after the last row of `rows` (Float32Array of n * 3 normalised values).
  // Returns {probabilities: Float32Array, reused: points taken from the cache, computed: new points}.
  predict(rows) {
    const n = rows.length / 3;
    if (n === 0) throw new Error("no points to classify");
    let prefix = 0;
    const limit = Math.min(n, this.length) * 3;
    while (prefix < limit && rows[prefix] === this.rows[prefix]) prefix++;
    const reused = Math.floor(prefix / 3);
    this.truncate(Math.min(reused, n));
    if (n > this.length) this.advance(rows.subarray(this.length * 3));
    this.rows = rows.slice(0, n * 3);
    const probabilities = this.tf.tidy(() => this.classify(this.lastH()).dataSync());
    return { probabilities, reused: Math.min(reused, n), computed: n - Math.min(reused, n) };
  }

  // Probabilities after every point seen so far: (T, classes), the sequence-to-sequence reading.
  perPoint() {
    return this.tf.tidy(() => this.classify(this.tf.concat(this.h[this.h.length - 1], 0)).arraySync());
  }

  lastH() {
    const hs = this.h[this.h.length - 1];
    return hs[hs.length - 1];
  }

  classify(h) {
    const tf = this.tf;
    return tf.softmax(tf.add(tf.matMul(h, this.dense.kernel), this.dense.bias));
  }

  // Forget everything after the first `points` points.
  truncate(points) {
    if (points >= this.length) return;
    if (points === 0) {
      this.reset();
      return;
    }
    const tf = this.tf;
    this.convInputs = this.convInputs.map((sequence) => {
      const kept = tf.keep(sequence.slice([0, 0], [points, sequence.shape[1]]));
      sequence.dispose();
      return kept;
    });
    for (const states of [this.h, this.c]) {
      for (const perPoint of states) perPoint.splice(points).forEach((t) => t.dispose());
    }
    this.rows = this.rows.slice(0, points * 3);
  }

  advance(newRows) {
    const tf = this.tf;
    const n = newRows.length / 3;
    const before = this.length;
    tf.tidy(() => {
      let x = tf.tensor2d(newRows, [n, 3]);
      this.convs.forEach((conv, l) => {
        const previous = this.convInputs[l];
        const have = Math.min(conv.size - 1, before);
        const context = have > 0 ? previous.slice([before - have, 0], [have, x.shape[1]]) : null;
        this.convInputs[l] = tf.keep(previous ? tf.concat([previous, x], 0) : x.clone());
        if (previous) previous.dispose();
        x = this.convolve(conv, context, x);
      });
      this.lstms.forEach((lstm, l) => {
        const projected = tf.add(tf.matMul(x, lstm.kernel), lstm.bias);
        let h = this.h[l].length ? this.h[l][this.h[l].length - 1] : tf.zeros([1, lstm.units]);
        let c = this.c[l].length ? this.c[l][this.c[l].length - 1] : tf.zeros([1, lstm.units]);
        for (let t = 0; t < n; t++) {
          ({ h, c } = this.cell(lstm, projected, t, h, c));
          this.h[l].push(tf.keep(h));
          this.c[l].push(tf.keep(c));
        }
        x = tf.concat(this.h[l].slice(before), 0);
      });
    });
  }

  // Causal convolution of new rows x (n, channels), given up to size - 1 earlier rows (or null).
  convolve(conv, context, x) {
    const tf = this.tf;
    const have = context ? context.shape[0] : 0;
    const parts = [];
    if (conv.size - 1 > have) parts.push(tf.zeros([conv.size - 1 - have, x.shape[1]])); // causal zeros
    if (context) parts.push(context);
    parts.push(x);
    const window = tf.concat(parts, 0).expandDims(0);
    return tf.relu(tf.add(tf.conv1d(window, conv.kernel, 1, "valid").squeeze([0]), conv.bias));
  }

  // One LSTM step (Keras gate order i, f, g, o), from row t of the projected inputs x·W + b.
  cell(lstm, projected, t, h, c) {
    const tf = this.tf;
    const z = tf.add(projected.slice([t, 0], [1, 4 * lstm.units]), tf.matMul(h, lstm.recurrent));
    const [zi, zf, zg, zo] = tf.split(z, 4, 1);
    const gates = { i: tf.sigmoid(zi), f: tf.sigmoid(zf), g: tf.tanh(zg), o: tf.sigmoid(zo) };
    const next = tf.add(tf.mul(gates.f, c), tf.mul(gates.i, gates.g));
    return { h: tf.mul(gates.o, tf.tanh(next)), c: next, gates };
  }

  // The first LSTM layer's gates on a whole drawing, for teaching: per point, the mean of the input,
  // forget and output gates over its units. Leaves the cache alone.
  gateTrace(rows) {
    const tf = this.tf;
    const n = rows.length / 3;
    return tf.tidy(() => {
      let x = tf.tensor2d(rows, [n, 3]);
      for (const conv of this.convs) x = this.convolve(conv, null, x);
      const lstm = this.lstms[0];
      const projected = tf.add(tf.matMul(x, lstm.kernel), lstm.bias);
      let h = tf.zeros([1, lstm.units]);
      let c = tf.zeros([1, lstm.units]);
      const means = [];
      for (let t = 0; t < n; t++) {
        const step = this.cell(lstm, projected, t, h, c);
        ({ h, c } = step);
        means.push(tf.stack([tf.mean(step.gates.i), tf.mean(step.gates.f), tf.mean(step.gates.o)]));
      }
      const values = tf.stack(means).arraySync();
      return values.map(([input, forget, output]) => ({ input, forget, output }));
    });
  }

  disposeState() {
    if (!this.h) return;
    for (const sequence of this.convInputs) if (sequence) sequence.dispose();
    for (const states of [this.h, this.c]) for (const perPoint of states) perPoint.forEach((t) => t.dispose());
  }
}
