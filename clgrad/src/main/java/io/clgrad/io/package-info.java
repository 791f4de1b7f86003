/**
 * Model files: {@link io.clgrad.io.Safetensors} reads and writes the safetensors format that
 * PyTorch and Hugging Face tools use, and {@link io.clgrad.io.Checkpoints} saves a model with its
 * optimizer state in such a file so that training can resume. See {@code docs/model-files.md}.
 */
package io.clgrad.io;
