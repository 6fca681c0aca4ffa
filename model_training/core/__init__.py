"""The TensorFlow-free core: what a drawing is, how it becomes the model's input, and how an exported model
is read and run (numpy). The web app stands on it alone; training, evaluation and export build on it too.
It imports neither TensorFlow nor anything above it (.importlinter)."""
