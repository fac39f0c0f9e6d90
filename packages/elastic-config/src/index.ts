export { type ElasticsearchYmlInput, elasticsearchYmlSchema, printElasticsearchYml } from './elasticsearch-yml.js';
export { type KibanaYmlInput, kibanaYmlSchema, printKibanaYml } from './kibana-yml.js';
export { type RoleDescriptor, printRoleDescriptor, roleDescriptorSchema } from './role-descriptor.js';
export { elasticPaths, elasticsearchRenderer, kibanaRenderer } from './stack-renderer.js';
