/**
 * Deeplearning4j: the network definition ({@code LstmNetworkFactory}, with {@code DistributionNll}, the loss of a
 * distribution head) and the DL4J engine's networks ({@code LstmNetworks}). The bridge from a DL4J definition to the fused trainer's layout is
 * {@code fused.Dl4jBridge}.
 */
package io.closecast.training.dl4j;
