// Incremental inference for Inkling's causal Conv1D + LSTM model.
//
// The model is causal: the output at point t depends on points 0..t only. So the classifier keeps the
// state after every point it has seen, and when the drawing changes it resumes from the longest
// unchanged prefix: while a person draws, a new point costs one step of each layer instead of a pass
// over the whole drawing. The result is what the layers model computes (tests check this).
//
// Why not `model.predict`: TF.js runs an LSTM as a dozen small ops per time step, and each op costs
// more in dispatch than in arithmetic. Here everything that can be batched over the new points is one
// TF.js op (the convolutions, each LSTM's input projection x·W + b); per time step only the recurrent
// product h·U goes through TF.js, and the gates, a few hundred multiplications, are plain JavaScript
// on typed arrays.
//
// Works in the browser and in node: pass the `tf` namespace, a loaded tf.LayersModel and the package's
// calibration temperature (metadata.json's calibration.temperature), which divides the logits.

export class IncrementalClassifier {
  constructor(tf, model, { temperature = 1 } = {}) {
    this.tf = tf;
    this.temperature = temperature;
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
        const [size, channels] = weights[0].shape;
        if (config.padding !== "valid" || causalPadding !== size - 1 || config.activation !== "relu") {
          throw new Error(`unsupported Conv1D ${layer.name}: needs ${size - 1} zeros in front, valid, relu`);
        }
        causalPadding = 0;
        this.convs.push({ kernel: weights[0], bias: weights[1], size, channels });
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
    this.rows = new Float32Array(0); // the normalised rows the state stands for
    this.convInputs = this.convs.map(() => []); // per conv layer, per point, its input row
    this.h = this.lstms.map(() => []); // per LSTM layer, per point, Float32Array(units)
    this.c = this.lstms.map(() => []);
    this.gates = []; // per point, the first LSTM layer's mean gate activations, for teaching
  }

  get length() {
    return this.rows.length / 3;
  }

  // Probabilities after the last row of `rows` (Float32Array of n * 3 normalised values).
  // Returns {probabilities: Float32Array, embedding: the last LSTM layer's state there (own_categories.js),
  // reused: points taken from the cache, computed: new points}.
  predict(rows) {
    const n = rows.length / 3;
    if (n === 0) throw new Error("no points to classify");
    let prefix = 0;
    const limit = Math.min(n, this.length) * 3;
    while (prefix < limit && rows[prefix] === this.rows[prefix]) prefix++;
    const reused = Math.min(Math.floor(prefix / 3), n);
    this.truncate(reused);
    if (n > reused) this.advance(rows.subarray(reused * 3));
    this.rows = rows.slice(0, n * 3);
    const embedding = this.lastLayerStates().at(-1);
    return { probabilities: this.classify(embedding, 1), embedding, reused, computed: n - reused };
  }

  // Probabilities after every point seen so far, one array per point: the sequence-to-sequence reading.
  perPoint() {
    const states = this.lastLayerStates();
    const units = this.lstms.at(-1).units;
    const all = this.classify(concatRows(states, units), states.length);
    const classes = all.length / states.length;
    return states.map((_, t) => Array.from(all.subarray(t * classes, (t + 1) * classes)));
  }

  lastLayerStates() {
    return this.h[this.h.length - 1];
  }

  // Softmax of the dense layer's logits / temperature over `count` rows of last-layer states, flat (count * classes).
  classify(states, count) {
    const tf = this.tf;
    return this.compute(() => {
      const h = tf.tensor2d(states, [count, states.length / count]);
      return tf.softmax(tf.div(tf.add(tf.matMul(h, this.dense.kernel), this.dense.bias), this.temperature));
    });
  }

  // The values of the tensor `build` returns; its intermediates are freed. (The values are read outside
  // tf.tidy on purpose: tidy searches what it returns for tensors, element by element.)
  compute(build) {
    const result = this.tf.tidy(build);
    const values = result.dataSync();
    result.dispose();
    return values;
  }

  // Forget everything after the first `points` points.
  truncate(points) {
    if (points >= this.length) return;
    for (const perPoint of [...this.convInputs, ...this.h, ...this.c, this.gates]) perPoint.length = points;
    this.rows = this.rows.slice(0, points * 3);
  }

  // Runs every layer over the new rows, continuing from the cached state, and caches the new states.
  advance(newRows) {
    const n = newRows.length / 3;
    let x = newRows;
    this.convs.forEach((conv, l) => {
      const inputs = this.convInputs[l];
      const context = inputs.slice(Math.max(0, inputs.length - (conv.size - 1)));
      for (let t = 0; t < n; t++) inputs.push(x.slice(t * conv.channels, (t + 1) * conv.channels));
      x = this.convolve(conv, context, x);
    });
    this.lstms.forEach((lstm, l) => {
      const projected = this.project(lstm, x);
      const hs = this.h[l];
      const cs = this.c[l];
      let h = hs.at(-1) ?? new Float32Array(lstm.units);
      let c = cs.at(-1) ?? new Float32Array(lstm.units);
      for (let t = 0; t < n; t++) {
        const step = this.cell(lstm, projected, t, h, c);
        ({ h, c } = step);
        hs.push(h);
        cs.push(c);
        if (l === 0) this.gates.push(step.gates);
      }
      x = concatRows(hs.slice(hs.length - n), lstm.units);
    });
  }

  // Causal convolution + relu of new rows x (n * channels), given up to size - 1 earlier input rows.
  convolve(conv, context, x) {
    const tf = this.tf;
    const pad = conv.size - 1;
    const n = x.length / conv.channels;
    const window = new Float32Array((pad + n) * conv.channels); // zeros in front: causal padding
    context.forEach((row, k) => {
      window.set(row, (pad - context.length + k) * conv.channels);
    });
    window.set(x, pad * conv.channels);
    return this.compute(() => {
      const input = tf.tensor3d(window, [1, pad + n, conv.channels]);
      return tf.relu(tf.add(tf.conv1d(input, conv.kernel, 1, "valid"), conv.bias));
    });
  }

  // x·W + b for all new rows at once: (n * 4 * units), Keras gate order i, f, g, o.
  project(lstm, x) {
    const tf = this.tf;
    const inputs = lstm.kernel.shape[0];
    return this.compute(() => tf.add(tf.matMul(tf.tensor2d(x, [x.length / inputs, inputs]), lstm.kernel), lstm.bias));
  }

  // One LSTM step from row t of the projected inputs. Also returns each gate's mean over the units.
  cell(lstm, projected, t, h, c) {
    const tf = this.tf;
    const units = lstm.units;
    const z = this.compute(() => tf.matMul(tf.tensor2d(h, [1, units]), lstm.recurrent));
    const base = t * 4 * units;
    const nextH = new Float32Array(units);
    const nextC = new Float32Array(units);
    const gates = { input: 0, forget: 0, output: 0 };
    for (let j = 0; j < units; j++) {
      const i = sigmoid(z[j] + projected[base + j]);
      const f = sigmoid(z[units + j] + projected[base + units + j]);
      const g = Math.tanh(z[2 * units + j] + projected[base + 2 * units + j]);
      const o = sigmoid(z[3 * units + j] + projected[base + 3 * units + j]);
      nextC[j] = f * c[j] + i * g;
      nextH[j] = o * Math.tanh(nextC[j]);
      gates.input += i / units;
      gates.forget += f / units;
      gates.output += o / units;
    }
    return { h: nextH, c: nextC, gates };
  }

  // The first LSTM layer's gates after each point seen so far, for teaching: per point, the mean of the
  // input, forget and output gates over its units.
  gateTrace() {
    return this.gates.slice();
  }
}

function sigmoid(x) {
  return 1 / (1 + Math.exp(-x));
}

function concatRows(rows, width) {
  const flat = new Float32Array(rows.length * width);
  rows.forEach((row, k) => {
    flat.set(row, k * width);
  });
  return flat;
}
