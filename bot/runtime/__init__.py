"""What runs the Rasa server, apart from the trained model: the launcher, the tracker and lock stores,
conversation deletion and the patches to Rasa's own code (patches.py lists them).

Nothing here is a training input: editing it never retrains the model.
"""
