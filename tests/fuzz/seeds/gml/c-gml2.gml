C<?xml version="1.0"?>
<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs" xmlns:gml="http://www.opengis.net/gml" xmlns:app="http://example.org/app">
<gml:featureMember><app:lieu fid="lieu.1"><app:geom><gml:Polygon srsName="EPSG:2154"><gml:outerBoundaryIs><gml:LinearRing><gml:coordinates>1,2 2,4 5,7 1,2</gml:coordinates></gml:LinearRing></gml:outerBoundaryIs></gml:Polygon></app:geom><app:code>G1</app:code></app:lieu></gml:featureMember>
<gml:featureMember><app:lieu fid="lieu.2"><app:geom><gml:Polygon srsName="EPSG:2154"><gml:outerBoundaryIs><gml:LinearRing><gml:coordinates>2,2 3,4 5,8 2,2</gml:coordinates></gml:LinearRing></gml:outerBoundaryIs></gml:Polygon></app:geom><app:code>G2</app:code></app:lieu></gml:featureMember>
<gml:featureMember><app:lieu fid="lieu.3"><app:geom><gml:Polygon srsName="EPSG:2154"><gml:outerBoundaryIs><gml:LinearRing><gml:coordinates>3,2 4,4 5,9 3,2</gml:coordinates></gml:LinearRing></gml:outerBoundaryIs></gml:Polygon></app:geom><app:code>G3</app:code></app:lieu></gml:featureMember>
</wfs:FeatureCollection>
