/**
 * Deeplearning4j: the network definition ({@code LstmNetworkFactory}), training with DL4J's own engine and
 * the bridge that moves weights between DL4J and the model core's layout.
 */
package io.closecast.training.dl4j;
