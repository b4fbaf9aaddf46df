/**
 * `lrsim/plugin`: the plugin API, everything a model, dataset, schedule or optimizer plugin
 * imports (`import { defineModel, param } from "lrsim/plugin"`), and nothing else: the
 * definers, `param`, the seeded random numbers, the dense layers, activations and losses that
 * make the built-in MLP fast. The built-in plugins are written against exactly this list. A
 * published plugin declares `lrsim` as a peer dependency.
 *
 * @packageDocumentation
 */
export * from "@lrsim/core/plugin-api";
