// Types of the sipreg/parse entry (the parser and URI comparison only).
export { parse, uriEqual, version, ParsedMessage, ParsedContact, ParsedChallenge, ParsedParty } from './index';
