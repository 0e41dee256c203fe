// The parts of a real notification's commit -> device delay, in order, as the holders record them
// and results.json's websocket.freshnessPartsMs names them (a module of its own: ws-holder.ts is a
// process's entry point and must not be imported by its parent).
export const freshnessParts = [
  "commitToPublish",
  "publishToConsume",
  "consumeToPush",
  "pushToDevice",
] as const;
