import { randomInt } from "node:crypto";

// Two-word names like Prefect's ("crimson-lemur"): easy to say, and unique enough to tell runs apart.
const ADJECTIVES = [
  "amber", "ancient", "arctic", "azure", "bold", "brave", "bright", "brisk", "calm", "clever", "cobalt", "cosmic",
  "crimson", "curious", "daring", "dapper", "eager", "electric", "emerald", "fancy", "fearless", "fierce", "gentle",
  "giant", "golden", "graceful", "happy", "hidden", "humble", "icy", "indigo", "jolly", "keen", "lively", "lucky",
  "magenta", "mellow", "mighty", "misty", "noble", "olive", "patient", "placid", "proud", "quick", "quiet", "rapid",
  "rustic", "scarlet", "serene", "silver", "sleek", "smart", "snowy", "steady", "stellar", "sunny", "swift", "teal",
  "tidy", "vivid", "warm", "wise", "witty", "zealous",
];
const ANIMALS = [
  "albatross", "alpaca", "antelope", "badger", "beaver", "bison", "bobcat", "caribou", "cheetah", "condor", "coyote",
  "crane", "dingo", "dolphin", "eagle", "falcon", "ferret", "finch", "gazelle", "gecko", "gibbon", "heron", "hyena",
  "ibex", "iguana", "jackal", "jaguar", "kestrel", "koala", "lemur", "leopard", "llama", "lynx", "marmot", "meerkat",
  "mongoose", "moose", "narwhal", "ocelot", "okapi", "orca", "osprey", "otter", "panda", "pelican", "puffin", "quail",
  "raccoon", "raven", "salamander", "seal", "sparrow", "stork", "tapir", "tiger", "toucan", "turtle", "walrus",
  "weasel", "wombat", "yak", "zebra",
];

/** A random run name such as "crimson-lemur". */
export function generateRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${ANIMALS[randomInt(ANIMALS.length)]}`;
}
