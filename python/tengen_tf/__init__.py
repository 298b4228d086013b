"""Tengen's TensorFlow side: the Keras network built from a Tengen architecture spec, a multi-worker trainer over
`tengen data export` shards, and the export back to a Tengen model folder (tfjs layers model.json + weights.bin)."""
