"""Training: rebuild the model with PyTorch and export it to ONNX.

Needs the ``train`` extra (``pip install '.[train]'``). This package imports the
scoring package (phonemizer, audio constants, sidecar format); the scoring
package never imports this one. Importing ``intelliscore.train`` itself does not
import torch: only the modules that need it do.
"""
