"""Loads DIET and TED for prediction without Rasa's one-step training run.

Rasa 3.6 builds a loaded model's variables by compiling it and fitting it on
one example, then overwrites them with the saved weights. Tracing that
training step (losses, gradients, the optimizer) is most of the Rasa server's
cold start (the profile in docs/benchmarks.md). `install()` builds the same
variables with one eager prediction instead, restores the saved weights
(all but the optimizer's, which prediction never reads), and then warms up as
Rasa does. tests/nlu/test_model_loading.py checks that both ways predict the same.
Fine-tuning (`rasa train --finetune`) keeps Rasa's own load.
"""

from __future__ import annotations

from typing import Any

from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

_rasa_load = RasaModel.load.__func__


def load_for_prediction(
    cls: type[RasaModel],
    model_file_name: str,
    model_data_example: RasaModelData,
    predict_data_example: RasaModelData | None = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    if finetune_mode or predict_data_example is None:
        return _rasa_load(
            cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs
        )
    model = cls(*args, **kwargs)
    # One eager prediction creates every variable a prediction uses, without tracing a graph.
    model._run_eagerly = True
    model.run_inference(predict_data_example)
    model._run_eagerly = False
    model.load_weights(model_file_name).expect_partial()
    # The label embeddings and the traced prediction were made from the random weights.
    model.prepared_for_prediction = False
    model._tf_predict_step = None
    model.run_inference(predict_data_example)
    return model


def install() -> None:
    RasaModel.load = classmethod(load_for_prediction)


def uninstall() -> None:
    RasaModel.load = classmethod(_rasa_load)
