package io.clgrad.io;

import io.clgrad.Tensor;
import java.util.Map;

/**
 * The contents of a safetensors file, as {@link Safetensors#load(java.nio.file.Path)} returns it.
 *
 * @param tensors  every tensor by name, in the order of the file's header, as CPU tensors (float32
 *                 or int32); the caller owns them and may close them
 * @param metadata the {@code __metadata__} string map (empty when the file has none)
 */
public record SafetensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata) {
}
