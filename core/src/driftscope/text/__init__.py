"""Text models: hashed TF-IDF features computed in numpy, the same at training and serving."""
