/** Registers every FHIR interaction in the route table. Import once, before serving. */
import { operationRoutes } from '../operations/all-operations';
import { capabilities } from './capabilities';
import { createResource } from './create';
import { conditionalDelete, deleteResource } from './delete';
import { historyInstance, historySystem, historyType } from './history';
import { conditionalPatch, patchResource } from './patch';
import { readResource, vreadResource } from './read';
import { addRoute } from './router';
import { searchCompartment, searchSystem, searchType } from './search';
import { processBundle } from './bundle';
import { conditionalUpdate, updateResource } from './update';

addRoute('GET', 'metadata', 'capabilities', capabilities);
addRoute('POST', '', 'batch', processBundle);
addRoute('GET', '', 'search-system', searchSystem);
addRoute('POST', '_search', 'search-system', searchSystem);
addRoute('GET', '_history', 'history-system', historySystem);
addRoute('GET', ':type', 'search-type', searchType);
addRoute('POST', ':type/_search', 'search-type', searchType);
// Compartment search (R4 http.html#search): the third segment must look like a type (or be `*`, every type), so
// `_history` and `$op` segments never land here. POST `[compartment]/[id]/_search` is the POST form of `*`.
addRoute('GET', ':compartment/:id/:type', 'search-compartment', searchCompartment);
addRoute('GET', ':compartment/:id/*', 'search-compartment', searchCompartment);
addRoute('POST', ':compartment/:id/_search', 'search-compartment', searchCompartment);
addRoute('POST', ':compartment/:id/*/_search', 'search-compartment', searchCompartment);
addRoute('POST', ':compartment/:id/:type/_search', 'search-compartment', searchCompartment);
addRoute('POST', ':type', 'create', createResource);
addRoute('PUT', ':type', 'conditional-update', conditionalUpdate);
addRoute('DELETE', ':type', 'conditional-delete', conditionalDelete);
addRoute('PATCH', ':type', 'conditional-patch', conditionalPatch);
addRoute('GET', ':type/_history', 'history-type', historyType);
addRoute('GET', ':type/:id', 'read', readResource);
addRoute('PUT', ':type/:id', 'update', updateResource);
addRoute('PATCH', ':type/:id', 'patch', patchResource);
addRoute('DELETE', ':type/:id', 'delete', deleteResource);
addRoute('GET', ':type/:id/_history', 'history-instance', historyInstance);
addRoute('GET', ':type/:id/_history/:vid', 'vread', vreadResource);
// Operations ($validate, $expand, $reindex, $verify-audit-chain, …): one route per name and level, from the
// registry (operations/registry.ts).
for (const route of operationRoutes()) addRoute(route.method, route.pattern, 'operation', route.handler);
