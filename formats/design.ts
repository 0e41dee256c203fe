// The design's figures as reports/ reads them: reports/ may import formats/ and nothing else of
// the project (.dependency-cruiser.cjs, reports-read-formats-only), and the figures live once in
// reference-impl/core/design-figures.ts (pure data), which formats/ may import. This module
// passes through what the claims ledger and the cost model need, and nothing is defined here.
export {
  blockSizeBytes,
  cdnHitRateMin,
  connectedDevicesCount,
  connectionsPerPodCount,
  devicesPerUserMax,
  devicesPerUserMean,
  devicesPerUserMin,
  downloadsPerUpload,
  latencyTarget,
  latencyTargets,
  memoryBytesPerConnection,
  partitionCount,
  peakMix,
  peakRatePerS,
  peakUploadRatePerS,
  podCounts,
  serviceTimeMs,
  shardCount,
  stated,
  usersCount,
  usersPerShardCountStated,
  type ClaimId,
  type LatencyTarget,
} from "../reference-impl/core/design-figures.ts";
export {
  isVariantName,
  notifyModes,
  uploadModes,
  variantFlagAppliedBy,
  variantNames,
  variants,
  type NotifyMode,
  type UploadMode,
  type Variant,
  type VariantName,
} from "../reference-impl/core/variants.ts";
