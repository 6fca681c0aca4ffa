"""Inkling's model side: stroke preprocessing, the sketch_rnn dataset, training, evaluation, export."""
