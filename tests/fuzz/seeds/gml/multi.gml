<?xml version="1.0" encoding="UTF-8"?>
<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:app="http://example.org/app" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" numberMatched="2" numberReturned="2">
<wfs:member><app:lieu gml:id="lieu.1"><app:geom><gml:MultiCurve srsName="EPSG:2154"><gml:curveMember><gml:LineString><gml:posList>1 2 3 4</gml:posList></gml:LineString></gml:curveMember><gml:curveMember><gml:LineString><gml:posList>5 6 7 8.25</gml:posList></gml:LineString></gml:curveMember></gml:MultiCurve></app:geom><app:code>M1</app:code></app:lieu></wfs:member>
<wfs:member><app:lieu gml:id="lieu.2"><app:geom><gml:MultiPoint srsName="EPSG:2154"><gml:pointMember><gml:Point><gml:pos>1 2</gml:pos></gml:Point></gml:pointMember><gml:pointMember><gml:Point><gml:pos>3.5 -4</gml:pos></gml:Point></gml:pointMember></gml:MultiPoint></app:geom><app:code>M2</app:code></app:lieu></wfs:member>
</wfs:FeatureCollection>
